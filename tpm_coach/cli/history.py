"""`tpm-coach history`: past practice sessions, newest first."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from tpm_coach.cli.common import context
from tpm_coach.storage import SessionSummary
from tpm_coach.storage.interviews import InterviewRepository, InterviewRow
from tpm_coach.storage.search import fts_query, search_sessions


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("history", help="list past sessions, newest first")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the N newest sessions")
    p.add_argument(
        "--search",
        default=None,
        metavar="TEXT",
        help="only sessions whose title, questions or transcripts hold every word of TEXT",
    )
    p.set_defaults(handler=_history)


def _history(args: argparse.Namespace) -> int:
    if args.search is not None:
        return _search(args)
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
        print(_line(s))
    return 0


def _line(s: SessionSummary) -> str:
    """One session: when, score, answers, skills and its name (an interview's names its format and verdict)."""
    score = "  —  " if s.overall is None else f"{s.overall:4.2f}"
    skills = ", ".join(s.competency_ids) or "-"
    name = f"  [{s.title}]" if s.title else ""
    return f"#{s.id:<5} {s.started_at[:16].replace('T', ' ')}  {score}/5  {s.attempt_count} answers  {skills}{name}"


def _search(args: argparse.Namespace) -> int:
    if not fts_query(args.search):
        print("tpm-coach: --search needs at least one word, e.g. --search migration", file=sys.stderr)
        return 2
    ctx = context()
    try:
        found = search_sessions(ctx.database, args.search, limit=args.limit)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps([{**asdict(m.summary), "matches": [asdict(a) for a in m.answers]} for m in found], indent=2))
        return 0
    if not found:
        print(f"no session matches {args.search!r}")
        return 0
    for match in found:
        print(_line(match.summary))
        for answer in match.answers:
            print(f"        answer {answer.attempt_id} ({answer.field}): {answer.excerpt}")
    return 0


def _interview(row: InterviewRow | None) -> dict[str, Any] | None:
    """An interview's format, level and verdict; None for a practice session."""
    return None if row is None else {"format": row.format, "level": row.level, "verdict": row.verdict}
