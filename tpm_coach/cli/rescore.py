"""`tpm-coach rescore`: judge stored answers again; the new score becomes current and every earlier one is kept."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tpm_coach.cli.common import context
from tpm_coach.domain import AttemptRecord, StoredScore
from tpm_coach.errors import KnownError
from tpm_coach.reports import format_when
from tpm_coach.scoring import ScoringService, scorer_factory


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "rescore",
        help="score past answers again (by default with the LLM); earlier scores are kept",
        description="Score stored answers again and make the new score current; every earlier score is kept "
        "and can be made current again in the feedback view. An answer that cannot be scored keeps its current "
        "score. Exit 1 when any answer was not re-scored.",
    )
    p.add_argument(
        "attempt_ids",
        nargs="+",
        type=int,
        metavar="ATTEMPT_ID",
        help="an answer's number, shown as ANSWER #N in the feedback view",
    )
    p.add_argument(
        "--scorer",
        choices=("llm", "offline"),
        default="llm",
        help="the judge: the LLM configured in the settings (default) or the offline scorer",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_rescore)


def _rescore(args: argparse.Namespace) -> int:
    ctx = context()
    outcomes: list[dict[str, Any]] = []
    try:
        service = ScoringService(ctx.attempts, scorer_factory(ctx.settings.llm))
        for attempt_id in dict.fromkeys(args.attempt_ids):  # each answer once, in the order given
            error = ""
            try:
                service.score_attempt(attempt_id, scorer=args.scorer)
            except KnownError as exc:
                error = str(exc)
            try:
                record: AttemptRecord | None = ctx.attempts.get(attempt_id)
            except KnownError as exc:
                record, error = None, error or str(exc)
            outcomes.append(_outcome(attempt_id, record, error))
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(outcomes, indent=2, ensure_ascii=False))
    else:
        for outcome in outcomes:
            _print(outcome)
    return 1 if any(o["error"] for o in outcomes) else 0


def _entry(stored: StoredScore) -> dict[str, Any]:
    result = stored.result
    return {
        "id": stored.id,
        "current": stored.current,
        "judge": result.judge_label,
        "scorer": result.scorer,
        "model": result.model,
        "prompt_version": result.prompt_version,
        "overall": result.overall,
        "scale": {"min": result.scale_min, "max": result.scale_max},
        "created_at": stored.created_at,
    }


def _outcome(attempt_id: int, record: AttemptRecord | None, error: str) -> dict[str, Any]:
    current = record.score if record is not None else None
    return {
        "attempt_id": attempt_id,
        "rescored": not error,
        "error": error or None,
        "score": current.model_dump(mode="json") if current is not None and not error else None,
        "scores": [_entry(s) for s in reversed(record.scores)] if record is not None else [],
    }


def _line(entry: dict[str, Any]) -> str:
    return f"{entry['overall']:.1f} / {entry['scale']['max']} by {entry['judge']} ({format_when(entry['created_at'])})"


def _print(outcome: dict[str, Any]) -> None:
    attempt_id, scores = outcome["attempt_id"], outcome["scores"]
    current = next((s for s in scores if s["current"]), None)
    if outcome["error"]:
        print(f"tpm-coach: answer #{attempt_id} was not re-scored: {outcome['error']}", file=sys.stderr)
        if current is not None:
            print(f"answer #{attempt_id}: still {_line(current)}")
        return
    print(f"answer #{attempt_id}: {_line(current) if current else 'no score'}, now current")
    for kept in (s for s in scores if not s["current"]):
        print(f"  kept: {_line(kept)}")
