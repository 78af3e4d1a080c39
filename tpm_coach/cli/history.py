"""`tpm-coach history`: past practice sessions, newest first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from tpm_coach.cli.common import context
from tpm_coach.storage.interviews import InterviewRepository, InterviewRow


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("history", help="list past sessions, newest first")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the N newest sessions")
    p.set_defaults(handler=_history)


def _history(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        summaries = ctx.sessions.list_summaries(limit=args.limit)
        interviews = InterviewRepository(ctx.database).for_sessions([s.id for s in summaries])
    finally:
        ctx.close()
    if args.json:
        rows = [{**asdict(s), "interview": _interview(interviews.get(s.id))} for s in summaries]
        print(json.dumps(rows, indent=2))
        return 0
    if not summaries:
        print("no sessions yet: run `tpm-coach` to practise")
        return 0
    for s in summaries:
        score = "  —  " if s.overall is None else f"{s.overall:4.2f}"
        skills = ", ".join(s.competency_ids) or "-"
        row = interviews.get(s.id)
        kind = "" if row is None else f"  [{s.title}]"
        print(f"#{s.id:<5} {s.started_at[:16].replace('T', ' ')}  {score}/5  {s.attempt_count} answers  {skills}{kind}")
    return 0


def _interview(row: InterviewRow | None) -> dict[str, Any] | None:
    """An interview's format, level and verdict; None for a practice session."""
    return None if row is None else {"format": row.format, "level": row.level, "verdict": row.verdict}
