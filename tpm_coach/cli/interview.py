"""`tpm-coach interview`: a whole mock interview run headlessly from a file of typed answers, then its debrief."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from tpm_coach.cli.common import context
from tpm_coach.errors import KnownError
from tpm_coach.interview.debrief import Debrief
from tpm_coach.interview.engine import InterviewRun
from tpm_coach.interview.formats import InterviewFormat, InterviewLevel, build_interview_plan
from tpm_coach.interview.report import debrief_to_json, turns_to_json
from tpm_coach.interview.wiring import build_interview_services

_SEPARATOR_RE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_MAX_FILE_BYTES = 2_000_000


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "interview",
        help="sit a mock interview from typed answers and print the debrief",
        description="Run a mock interview (a 30-minute phone screen, a 45-minute onsite round on one or two skills, "
        "or a loop of rounds covering every skill) with typed answers: the answers in FILE, separated by lines "
        "holding only ---, answer the questions and follow-ups in order, and the interview ends when they run "
        "out or every round is done. The interview is stored like any session.",
    )
    p.add_argument("--format", required=True, choices=[f.value for f in InterviewFormat], help="the interview format")
    p.add_argument("--level", required=True, choices=[lvl.value for lvl in InterviewLevel], help="the level's bar")
    p.add_argument("--skills", default="", metavar="ID,...", help="skills for a screen or onsite (default: random)")
    p.add_argument("--seed", type=int, default=None, metavar="N", help="choose the same questions again")
    p.add_argument("--typed", required=True, type=Path, metavar="FILE", help="the answers, '---' between them")
    p.add_argument(
        "--scorer",
        choices=("llm", "offline"),
        default=None,
        help="default: llm when one is configured in the settings, else offline",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_interview)


def read_answers(path: Path) -> list[str]:
    """The typed answers in order; a blank piece is an answer with nothing in it (scored as empty)."""
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise KnownError(f"{path}: larger than 2 MB; a whole interview's answers are a few dozen KB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "write the answers in a UTF-8 text file, '---' between them"
        raise KnownError(f"{path}: no such file", hint) from None
    except UnicodeDecodeError:
        raise KnownError(f"{path}: not UTF-8 text", "save the answers as UTF-8") from None
    except OSError as exc:
        raise KnownError(f"{path}: cannot read the file ({exc.strerror})") from exc
    answers = [piece.strip() for piece in _SEPARATOR_RE.split(text)]
    while answers and not answers[-1]:
        answers.pop()
    if not any(answers):
        raise KnownError(f"{path}: holds no answers", "write one answer per question, with lines of --- between")
    return answers


def _interview(args: argparse.Namespace) -> int:
    answers = read_answers(args.typed)
    skills = [s.strip() for s in args.skills.split(",") if s.strip()]
    ctx = context()
    try:
        library = ctx.banks
        plan = build_interview_plan(
            library, InterviewFormat(args.format), InterviewLevel(args.level), skills, random.Random(args.seed)
        )
        competencies = {c.id: c for c in library.competencies()}
        for round_ in plan.rounds:
            for question in round_.questions:
                competencies[question.competency] = library.competency_for(question)
        services = build_interview_services(ctx.settings, ctx.data_paths, args.scorer or "auto")
        bank_ids = [b.id for b in library.active_banks()]
        run = InterviewRun.start(plan, services, competencies, bank_ids)
        for answer in answers:
            if run.current is None:
                break
            run.answer_typed(answer)
        debrief = run.finish()
    finally:
        ctx.close()
    payload = {
        "session_id": run.session_id,
        "format": plan.format.value,
        "level": plan.level.value,
        "rounds": [
            {"title": r.title, "skills": list(r.skills), "time_box_s": r.time_box_s, "questions": len(r.questions)}
            for r in plan.rounds
        ],
        "turns": turns_to_json(run.turns),
        "debrief": debrief_to_json(debrief),
        "unused_answers": max(0, len(answers) - len(run.turns)),
    }
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_interview(payload, debrief))
    return 0


def format_interview(payload: dict[str, Any], debrief: Debrief) -> str:
    lines = [f"Interview #{payload['session_id']}: {payload['format']}, {payload['level']} level", ""]
    for turn in payload["turns"]:
        label = "Follow-up" if turn["kind"] == "follow_up" else "Question"
        probes = f" (probing {', '.join(turn['probes'])})" if turn["probes"] else ""
        lines.append(f"{label}{probes}: {turn['question']}")
    lines += ["", f"Verdict: {(debrief.verdict.value if debrief.verdict else 'not assessed').replace('_', ' ')}"]
    for s in debrief.skills:
        lines.append(f"  {s.name}: {s.signal.value.replace('_', ' ')} ({s.mean:.1f}/5 against {debrief.bar:.1f})")
        lines += [f'    > "{quote}"' for quote in s.evidence]
    if debrief.moments:
        lines.append("Moments that moved the decision:")
        lines += [f'  - {m.effect}: "{m.quote}"' for m in debrief.moments]
    if debrief.practise_next:
        lines.append("Practise next:")
        lines += [f"  - {p.name}: {p.reason}" for p in debrief.practise_next]
    if debrief.not_assessed:
        lines.append(f"Not reached: {', '.join(debrief.not_assessed)}")
    return "\n".join(lines) + "\n"
