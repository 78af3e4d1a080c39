"""`tpm-coach score` scores one answer from a text file; `tpm-coach eval` checks scorers on labelled answers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tpm_coach.cli.common import context
from tpm_coach.coach.graded import coach_graded, rescored_agreement, stored_agreement
from tpm_coach.config import Settings
from tpm_coach.domain import Competency, CriterionScore, Question, QuestionKind, ScoreResult
from tpm_coach.errors import KnownError
from tpm_coach.plain_http import allow_plain_http, exposed_host
from tpm_coach.scoring.agreement import AgreementReport, format_agreement
from tpm_coach.scoring.base import Scorer, adhoc_question
from tpm_coach.scoring.eval import coach_agreement, eval_files, load_eval_file, run_eval
from tpm_coach.scoring.eval_report import ScorerReport, format_report
from tpm_coach.scoring.exemplar_eval import WithExemplars, exemplars_by_question
from tpm_coach.scoring.factory import build_scorer, resolve_choice

# An LLM judges differently from run to run and may fairly disagree on a close pair; the offline scorer is
# deterministic and is held to the targets in docs/judge-quality.md.
DEFAULT_MIN_ACCURACY = {"offline": 0.95, "llm": 0.8}
DEFAULT_MAX_OFF_TOPIC = {"offline": 1.5, "llm": None}
_MAX_TRANSCRIPT_BYTES = 1_000_000


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "score",
        help="score an answer (a text file) against a question's rubric",
        description="Score an answer against a question's rubric and print criterion scores, evidence and "
        "feedback. Exit 2 for an empty answer or an unknown question.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--question", metavar="ID", help="a question id from the active banks (e.g. tech-001)")
    which.add_argument("--question-text", metavar="TEXT", help="your own question; needs --competency")
    p.add_argument("--competency", metavar="ID", help="the rubric to use with --question-text (e.g. leadership)")
    p.add_argument(
        "--kind",
        choices=[k.value for k in QuestionKind],
        default=QuestionKind.SITUATIONAL.value,
        help="the kind of question for --question-text (behavioral adds the STAR check)",
    )
    p.add_argument(
        "--transcript-file",
        required=True,
        type=Path,
        metavar="FILE",
        help="the answer as UTF-8 text ('-' reads standard input)",
    )
    p.add_argument(
        "--scorer",
        choices=("llm", "offline"),
        default=None,
        help="default: llm when one is configured in the settings, else offline",
    )
    p.add_argument(
        "--allow-plain-http",
        action="store_true",
        help="agree to send the API key over unencrypted http:// to the configured LLM server on another computer "
        "(remembered in the settings)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_score, parser=p)

    p = subparsers.add_parser(
        "eval",
        help="measure a scorer on labelled answers: ordering, Spearman, repeatability, evidence, latency",
        description="Score labelled answers, pairs (the stronger must outscore the weaker) and repeated answers, "
        "and report per scorer: pairwise ordering accuracy, Spearman correlation with the labels, repeatability "
        "(max-min over repeated scores), the share of criteria with verified evidence, first-try valid replies, "
        "latency p50/p95 and tokens. Exit 1 when accuracy is below --min-accuracy or an off-topic answer scores "
        "above --max-off-topic.",
    )
    p.add_argument("files", nargs="*", type=Path, metavar="FILE", help="eval YAML files or folders of them")
    p.add_argument(
        "--coach-graded",
        action="store_true",
        help="measure agreement with coach grades instead: per criterion and skill, mean absolute difference and "
        "quadratic weighted kappa. Without FILE: every coach-graded answer in your data against the app's stored "
        "scores (or against --scorer, run now); with FILE: the answers carrying `grades`",
    )
    p.add_argument(
        "--scorer",
        action="append",
        choices=("llm", "offline"),
        default=None,
        help="scorer to check (repeatable); default: offline",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="score every labelled answer N times, for repeatability (default 1)",
    )
    p.add_argument(
        "--min-accuracy",
        type=float,
        default=None,
        metavar="X",
        help="lowest acceptable ordering accuracy, 0-1 (default: 0.95 offline, 0.8 llm)",
    )
    p.add_argument(
        "--max-off-topic",
        type=float,
        default=None,
        metavar="X",
        help="highest acceptable overall score of an off-topic answer (default: 1.5 offline, not checked for llm)",
    )
    p.add_argument(
        "--allow-plain-http",
        action="store_true",
        help="agree to send the API key over unencrypted http:// to the configured LLM server on another computer "
        "(remembered in the settings)",
    )
    p.add_argument(
        "--exemplars",
        action="append",
        type=Path,
        default=None,
        metavar="FILE",
        help="with --coach-graded FILE: also score with the coach-graded answers in this eval file attached to "
        "their questions as exemplars, and report agreement with and without them",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_eval, parser=p)


def _read_transcript(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        if path.stat().st_size > _MAX_TRANSCRIPT_BYTES:
            raise KnownError(f"{path}: larger than 1 MB; an answer transcript is a few KB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnownError(f"{path}: no such file", "pass the answer as a UTF-8 text file") from None
    except UnicodeDecodeError:
        raise KnownError(f"{path}: not UTF-8 text", "save the answer as UTF-8") from None
    except OSError as exc:
        raise KnownError(f"{path}: cannot read the file ({exc.strerror})") from exc


def _allow_plain_http(settings: Settings) -> None:
    host = exposed_host(settings.llm.resolved_base_url())
    if host is not None:
        allow_plain_http(host, settings)
        print(f"tpm-coach: the API key may now be sent unencrypted to {host} (saved in the settings)", file=sys.stderr)


def _score(args: argparse.Namespace) -> int:
    if args.question_text is not None and not args.competency:
        args.parser.error("--question-text needs --competency")
    ctx = context()
    if args.allow_plain_http:
        _allow_plain_http(ctx.settings)
    try:
        library = ctx.banks
        competency: Competency
        if args.question is not None:
            question: Question = library.question(args.question)
            competency = library.competency_for(question)
        else:
            competency = library.competency(args.competency)
            question = adhoc_question(args.question_text, competency, QuestionKind(args.kind))
        transcript = _read_transcript(args.transcript_file)
        scorer = build_scorer(args.scorer or "auto", ctx.settings.llm)
        result = scorer.score(question, competency, transcript)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(result_to_json(result, question, competency), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_result(result, question, competency))
    return 0


def result_to_json(result: ScoreResult, question: Question, competency: Competency) -> dict[str, Any]:
    names = {c.id: c for c in competency.rubric.criteria}
    return {
        "overall": result.overall,
        "scale": {"min": result.scale_min, "max": result.scale_max},
        "criteria": [
            {
                "id": c.id,
                "name": names[c.id].name,
                "weight": names[c.id].weight,
                "score": c.score,
                "evidence": [e.quote for e in c.evidence],
                "evidence_spans": [e.model_dump() for e in c.evidence],
                "rationale": c.rationale,
                "flagged": c.flagged,
            }
            for c in result.criteria
        ],
        "strengths": result.strengths,
        "improvements": result.improvements,
        "stronger_answer": result.stronger_answer,
        "follow_up": result.follow_up,
        "star": result.star.model_dump() if result.star else None,
        "scorer": result.scorer,
        "model": result.model,
        "prompt_version": result.prompt_version,
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "latency_ms": result.latency_ms,
        "notes": result.notes,
        "question": {"id": question.id, "text": question.text, "competency": competency.id},
    }


def format_result(result: ScoreResult, question: Question, competency: Competency) -> str:
    label = "offline estimate" if result.scorer == "offline" else f"LLM {result.model}"
    lines = [
        f"Overall {result.overall:.2f} / {result.scale_max}  ({label})",
        f"Question {question.id}: {question.text}",
        f"Competency: {competency.name}",
        "",
    ]
    names = {c.id: c.name for c in competency.rubric.criteria}
    for c in result.criteria:
        lines += _criterion_lines(c, names[c.id], result.scale_max)
    for title, items in (
        ("Strengths", result.strengths),
        ("Improvements", result.improvements),
        ("A stronger answer would cover", result.stronger_answer),
    ):
        if items:
            lines.append(f"{title}:")
            lines += [f"  - {item}" for item in items]
    if result.star is not None:
        marks = " ".join(f"{part} {'yes' if ok else 'no'}" for part, ok in result.star.model_dump().items())
        lines.append(f"STAR: {marks}")
    if result.follow_up:
        lines.append(f"Follow-up question: {result.follow_up}")
    if result.notes:
        lines.append("Notes:")
        lines += [f"  - {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _criterion_lines(c: CriterionScore, name: str, top: int) -> list[str]:
    flag = "  (check: unsupported evidence)" if c.flagged else ""
    lines = [f"{name} [{c.id}]: {c.score}/{top}{flag}", f"  {c.rationale}"]
    lines += [f'  > "{e.quote}"' for e in c.evidence]
    return [*lines, ""]


def _eval(args: argparse.Namespace) -> int:
    if not 1 <= args.repeat <= 50:
        args.parser.error("--repeat must be between 1 and 50")
    if args.exemplars and not (args.coach_graded and args.files):
        args.parser.error("--exemplars needs --coach-graded and the FILEs of held-back coach-graded answers")
    if args.coach_graded:
        return _coach_graded(args)
    if not args.files:
        args.parser.error("give eval FILEs, or --coach-graded")
    files = [load_eval_file(path) for path in eval_files(args.files)]
    ctx = context()
    if args.allow_plain_http:
        _allow_plain_http(ctx.settings)
    try:
        scorers: dict[str, Scorer] = {}
        for name in dict.fromkeys(args.scorer or ["offline"]):
            scorers[resolve_choice(name, ctx.settings.llm)] = build_scorer(name, ctx.settings.llm)
        # An LLM takes minutes per answer on a laptop: say what is being scored.
        progress = (lambda line: print(line, file=sys.stderr, flush=True)) if "llm" in scorers else None
        reports = run_eval(files, ctx.banks, scorers, repeat=args.repeat, progress=progress)
    finally:
        ctx.close()
    failed = [problem for report in reports for problem in _below_target(report, args)]
    if args.json:
        print(json.dumps({"reports": [r.as_dict() for r in reports], "failures": failed}, indent=2))
    else:
        sys.stdout.write(format_report(reports))
        for line in failed:
            print(line, file=sys.stderr)
    return 1 if failed else 0


def _below_target(report: ScorerReport, args: argparse.Namespace) -> list[str]:
    problems = []
    floor = args.min_accuracy if args.min_accuracy is not None else DEFAULT_MIN_ACCURACY[report.scorer]
    if report.accuracy is not None and report.accuracy < floor:
        problems.append(f"{report.scorer} ordering accuracy {report.accuracy:.0%} is below {floor:.0%}")
    ceiling = args.max_off_topic if args.max_off_topic is not None else DEFAULT_MAX_OFF_TOPIC[report.scorer]
    highest = report.highest("off-topic")
    if ceiling is not None and highest is not None and highest > ceiling:
        problems.append(f"{report.scorer} scored an off-topic answer {highest:.2f}, above {ceiling:.2f}")
    return problems


def _coach_graded(args: argparse.Namespace) -> int:
    ctx = context()
    if args.allow_plain_http:
        _allow_plain_http(ctx.settings)
    results: list[tuple[str, AgreementReport, int]] = []
    try:
        scorers: dict[str, Scorer] = {}
        for name in dict.fromkeys(args.scorer or ([] if not args.files else ["offline"])):
            scorers[resolve_choice(name, ctx.settings.llm)] = build_scorer(name, ctx.settings.llm)
        if args.files:
            files = [load_eval_file(path) for path in eval_files(args.files)]
            for name, (report, failed) in coach_agreement(files, ctx.banks, scorers).items():
                results.append((name, report, failed))
            if args.exemplars:
                extra = exemplars_by_question(load_eval_file(path) for path in eval_files(args.exemplars))
                calibrated = coach_agreement(files, WithExemplars(ctx.banks, extra), scorers)
                for name, (report, failed) in calibrated.items():
                    results.append((f"{name} + exemplars", report, failed))
        else:
            graded = coach_graded(ctx.database)
            if not scorers:
                results.append(("stored", stored_agreement(graded), 0))
            for name, scorer in scorers.items():
                report, failed = rescored_agreement(graded, scorer)
                results.append((name, report, failed))
    finally:
        ctx.close()
    if args.json:
        payload = [{"judge": name, **report.as_dict(), "failed": failed} for name, report, failed in results]
        print(json.dumps({"agreement": payload}, indent=2))
        return 0
    for name, report, failed in results:
        title = "Coach and the app's stored scores" if name == "stored" else f"Coach and the {name} scorer"
        sys.stdout.write(format_agreement(report, title))
        if failed:
            print(f"  ({failed} answers could not be scored by {name})")
    return 0
