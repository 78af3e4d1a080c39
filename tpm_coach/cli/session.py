"""`tpm-coach session`: share one session with a coach as a file, grade its answers, and take it back."""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path
from typing import Any

from tpm_coach.cli.common import context
from tpm_coach.coach.exemplar import Target, add_exemplar
from tpm_coach.coach.export import export_session
from tpm_coach.coach.graded import coach_graded, write_labelled_set
from tpm_coach.coach.importer import import_session
from tpm_coach.coach.package_format import SUFFIX
from tpm_coach.coach.review import comment_on, parse_grades, save_review
from tpm_coach.domain import CoachReview
from tpm_coach.errors import CoachReviewError
from tpm_coach.storage.coach import CoachRepository


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "session",
        help="export a session for a coach, import one, grade its answers",
        description="Share a practice session as one file: the coach imports it, grades each answer and exports "
        "it back; the candidate imports the reviewed package and sees coach and app side by side.",
    )
    commands = p.add_subparsers(dest="session_command", metavar="ACTION", required=True)

    e = commands.add_parser(
        "export",
        help="write a session (or chosen answers) as one package file",
        description="Write one file with the session's questions, transcripts, the app's scores (judge, model, "
        "prompt version), coach reviews and, unless --no-audio, the recordings; a manifest lists every member "
        "with its sha256.",
    )
    e.add_argument("session_id", type=int, metavar="ID", help="the session's number, as `tpm-coach history` shows it")
    e.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help=f"the package (e.g. x{SUFFIX})")
    e.add_argument("--no-audio", action="store_true", help="leave the recordings out (a much smaller file)")
    e.add_argument("--answers", metavar="IDS", help="only these answers, comma-separated (see `session show`)")
    e.add_argument("--by", metavar="NAME", help="who the package is from, shown to whoever imports it")
    e.set_defaults(handler=_export)

    i = commands.add_parser(
        "import",
        help="add a session package to your data, marked with who sent it",
        description="Check the package completely (names, links, sizes, checksums, format version), then add its "
        "session. It is kept out of your progress until you run `session progress ID on`. A refused package "
        "changes nothing (exit 2).",
    )
    i.add_argument("package", type=Path, metavar="FILE")
    i.add_argument("--json", action="store_true", help="machine-readable output")
    i.set_defaults(handler=_import)

    s = commands.add_parser("show", help="list a session's answers with app scores and coach grades")
    s.add_argument("session_id", type=int, metavar="ID")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(handler=_show)

    g = commands.add_parser(
        "grade",
        help="grade one answer as a coach: criteria, comments on transcript text, a note",
        description="Store a coach's review of one answer; it replaces an earlier review of that answer.",
    )
    g.add_argument("answer_id", type=int, metavar="ANSWER")
    g.add_argument("--coach", required=True, metavar="NAME", help="who is grading")
    g.add_argument("--score", action="append", default=[], metavar="CRITERION=N", help="a grade (repeatable)")
    g.add_argument(
        "--comment",
        action="append",
        default=[],
        nargs=2,
        metavar=("QUOTE", "TEXT"),
        help="a comment on the first place the transcript says QUOTE (repeatable)",
    )
    g.add_argument("--note", default="", help="an overall note")
    g.set_defaults(handler=_grade)

    lab = commands.add_parser(
        "labels",
        help="write every coach-graded answer as a labelled set for `tpm-coach eval`",
        description="Write an eval YAML file: each coach-graded answer's transcript, question and skill, the "
        "coach's overall level and grade per criterion. `tpm-coach eval --coach-graded FILE --scorer X` and "
        "bench/judge_quality.py read it.",
    )
    lab.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    lab.set_defaults(handler=_labels)

    x = commands.add_parser(
        "exemplar",
        help="add a coach-graded answer to one of your banks as a graded exemplar",
        description="Attach the answer's transcript with the coach's grades and note to its question (or, with "
        "--competency, to its competency) in your bank ID. The LLM judge sees up to two exemplars as calibration "
        "examples; the offline scorer uses them as reference answers.",
    )
    x.add_argument("answer_id", type=int, metavar="ANSWER")
    x.add_argument("--bank", required=True, metavar="ID", help="one of your banks (duplicate the built-in one first)")
    x.add_argument("--competency", action="store_true", help="attach it to the competency, not the question")
    x.set_defaults(handler=_exemplar)

    c = commands.add_parser("progress", help="count an imported session in your progress, or keep it out")
    c.add_argument("session_id", type=int, metavar="ID")
    c.add_argument("state", choices=("on", "off"))
    c.set_defaults(handler=_progress)


def _export(args: argparse.Namespace) -> int:
    answers = None
    if args.answers:
        try:
            answers = [int(part) for part in args.answers.split(",") if part.strip()]
        except ValueError:
            raise CoachReviewError(f"--answers {args.answers!r}: give answer numbers separated by commas") from None
    ctx = context()
    try:
        result = export_session(
            ctx.database,
            ctx.data_paths,
            args.session_id,
            args.output,
            sender=args.by if args.by is not None else getpass.getuser(),
            include_audio=not args.no_audio,
            answer_ids=answers,
        )
    finally:
        ctx.close()
    print(f"wrote {result.path}")
    print(f"  {result.answers} answers, {result.recordings} recordings, from {result.manifest.sender or 'no name'}")
    for line in result.skipped:
        print(f"  left out {line}")
    return 0


def _import(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        result = import_session(ctx.database, ctx.data_paths, args.package)
    finally:
        ctx.close()
    if args.json:
        print(
            json.dumps(
                {
                    "session_id": result.session_id,
                    "answer_ids": result.attempt_ids,
                    "sender": result.sender,
                    "returned": result.returned,
                }
            )
        )
        return 0
    if result.returned:
        print(
            f"added {result.reviewed} review(s) by {result.sender or 'an unnamed sender'} to your session "
            f"#{result.session_id}; see them with `tpm-coach session show {result.session_id}`"
        )
        return 0
    print(f"imported {args.package} as session #{result.session_id} from {result.sender or 'an unnamed sender'}")
    print(f"  {len(result.attempt_ids)} answers, {result.recordings} recordings, {result.reviewed} graded by a coach")
    print(f"  kept out of your progress; count it with `tpm-coach session progress {result.session_id} on`")
    return 0


def _show(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        ctx.sessions.get(args.session_id)
        records = ctx.attempts.list_for_session(args.session_id)
        coach = CoachRepository(ctx.database)
        reviews = coach.reviews([r.id for r in records])
        origin = coach.origin(args.session_id)
    finally:
        ctx.close()
    rows: list[dict[str, Any]] = [
        {
            "answer_id": r.id,
            "question": r.question.text,
            "competency": r.competency.id,
            "status": r.status.value,
            "app_overall": None if r.score is None else r.score.overall,
            "app_criteria": {} if r.score is None else {c.id: c.score for c in r.score.criteria},
            "coach": None if r.id not in reviews else reviews[r.id].coach,
            "coach_criteria": {} if r.id not in reviews else {g.criterion: g.score for g in reviews[r.id].grades},
        }
        for r in records
    ]
    if args.json:
        from_whom = None if origin is None else {"sender": origin.sender, "in_progress": origin.in_progress}
        print(json.dumps({"session_id": args.session_id, "origin": from_whom, "answers": rows}, indent=2))
        return 0
    if origin is not None:
        counted = "counted in" if origin.in_progress else "kept out of"
        print(f"imported from {origin.sender or 'an unnamed sender'} on {origin.imported_at[:10]}; {counted} progress")
    for row in rows:
        app = " ".join(f"{k}={v}" for k, v in row["app_criteria"].items()) or "-"
        graded = " ".join(f"{k}={v}" for k, v in row["coach_criteria"].items())
        coach_part = f"  coach {row['coach']}: {graded}" if row["coach"] is not None else ""
        print(f"answer {row['answer_id']} [{row['competency']}] {row['status']}  app: {app}{coach_part}")
        print(f"  {row['question']}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        record = ctx.attempts.get(args.answer_id)
        text = record.transcript.text if record.transcript else ""
        review = CoachReview(
            coach=args.coach,
            grades=parse_grades(args.score),
            comments=[comment_on(text, quote, body) for quote, body in args.comment],
            note=args.note,
        )
        saved = save_review(ctx.database, args.answer_id, review)
    finally:
        ctx.close()
    print(
        f"saved {saved.coach}'s review of answer {args.answer_id}: {len(saved.grades)} grades, "
        f"{len(saved.comments)} comments"
    )
    return 0


def _progress(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        CoachRepository(ctx.database).count_in_progress(args.session_id, args.state == "on")
    finally:
        ctx.close()
    print(f"session #{args.session_id} is now {'counted in' if args.state == 'on' else 'kept out of'} your progress")
    return 0


def _labels(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        count = write_labelled_set(coach_graded(ctx.database), args.output)
    finally:
        ctx.close()
    print(f"wrote {args.output}: {count} coach-graded answers")
    return 0


def _exemplar(args: argparse.Namespace) -> int:
    ctx = context()
    try:
        record = ctx.attempts.get(args.answer_id)
        review = CoachRepository(ctx.database).review(args.answer_id)
        if review is None:
            raise CoachReviewError(
                f"answer {args.answer_id} has no coach review",
                f"grade it with `tpm-coach session grade {args.answer_id}`",
            )
        target: Target = "competency" if args.competency else "question"
        add_exemplar(ctx.banks, args.bank, record, review, target)
    finally:
        ctx.close()
    where = record.competency.id if args.competency else record.question.id
    print(f"added answer {args.answer_id} as an exemplar of {target} '{where}' in bank '{args.bank}'")
    return 0
