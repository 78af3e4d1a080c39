"""How well a real local model judges answers: the eval harness (`tpm-coach eval --scorer llm`) run through a
llama.cpp server with a Qwen2.5-Coder GGUF from scripts/install-judge-models, over the labelled set or a subset.

Prints the measures of docs/judge-quality.md (ordering accuracy, Spearman, repeatability, verified evidence,
first-try valid replies, latency, tokens), the time to a complete reply as a ratio of the 60 s budget, the mean
score by level and every missed pair, plus the table row for the doc. `--out FILE` also writes the report and every
reply's criteria (scores, cited sentences, caps) as JSON, for reading what the model got wrong.

    .venv/bin/python bench/judge_quality.py --model 0.5b                      # the whole labelled set
    .venv/bin/python bench/judge_quality.py --model 1.5b --subset per-skill   # see SUBSETS
    .venv/bin/python bench/judge_quality.py --model 1.5b --questions risk-002 --answers 2 --repeat 2
    .venv/bin/python bench/judge_quality.py --model 1.5b --subset per-skill --replay run.replies.json

`--replay` scores again from a run's recorded replies instead of a server: the judge's criterion scores as they
were, through what the app does with them today (the caps of tpm_coach/scoring/traps.py), so a change made after
the judge answered is measured on the very same replies.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.judge_models import JUDGE_MODELS, judge_server, missing_judge
from tpm_coach.banks.library import BankLibrary
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Competency, CriterionScore, DeliveryMetrics, Evidence, Question, ScoreResult
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.eval import EvalAnswer, EvalFile, EvalPair, EvalRepeat, eval_files, load_eval_file, run_eval
from tpm_coach.scoring.eval_report import TRAPS, ScorerReport, summary_rows
from tpm_coach.scoring.llm import LlmScorer, connect_scorer
from tpm_coach.scoring.overall import overall_score
from tpm_coach.scoring.traps import apply_cap, find_traps, strictest, trap_caps

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval"
BUDGET_S = 60.0  # complete feedback from a 1.5B local model (DESIGN.md, performance budgets)

# Named subsets of the labelled set, for a model too slow to score all of it. `per-skill`: for each of the six
# skills one question with all four graded levels and its off-topic trap, plus a keyword-salad and an injection trap.
SUBSETS: dict[str, dict[str, list[str]]] = {
    "per-skill": {
        "questions": ["tech-002", "plan-003", "biz-002", "risk-002", "comm-002", "lead-003"],
        "traps": ["risk-011-keyword-salad-list", "biz-006-injection-evaluator"],
    },
}


class RecordingScorer:
    """Passes each call to the real scorer and keeps what came back, so a run can be read answer by answer."""

    kind = "llm"

    def __init__(
        self, scorer: LlmScorer, sink: Callable[[dict[str, Any]], None], check_server: Callable[[], None]
    ) -> None:
        self.scorer = scorer
        self.sink = sink
        self.check_server = check_server

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        try:
            result = self.scorer.score(question, competency, transcript, metrics)
        except Exception as exc:
            self.sink({"question": question.id, "answer": transcript[:80], "error": str(exc)})
            self.check_server()  # a dead server ends the run, with its log, instead of failing every answer left
            raise
        self.sink(
            {
                "question": question.id,
                "answer": transcript[:80],
                "overall": result.overall,
                "scale_min": result.scale_min,
                "criteria": _criteria_record(result),
                "prompt_version": result.prompt_version,
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "latency_ms": result.latency_ms,
                "notes": result.notes,
            }
        )
        return result


class ReplayScorer:
    """The criterion scores a judge gave in a recorded run (`--out`), with today's trap caps applied."""

    kind = "llm"

    def __init__(self, paths: list[Path], sink: Callable[[dict[str, Any]], None]) -> None:
        self.sink = sink
        self.recorded: dict[tuple[str, str], dict[str, Any]] = {}
        for path in paths:
            for record in json.loads(path.read_text())["scores"]:
                if "overall" in record:
                    self.recorded[(record["question"], record["answer"])] = record

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        record = self.recorded.get((question.id, transcript[:80]))
        if record is None:
            raise ScoringError(f"no recorded reply for {question.id}: {transcript[:40]}...")
        criteria = [
            CriterionScore(
                id=c["id"],
                score=c["score"],
                rationale=c["rationale"],
                evidence=[_located(transcript, quote) for quote in c["sentences"] if quote in transcript],
                flagged=c["flagged"],
                capped_from=c["capped_from"],
            )
            for c in record["criteria"]
        ]
        caps = trap_caps(find_traps(question, competency, transcript), competency, offline=False)
        criteria = apply_cap(criteria, strictest(caps))
        result = ScoreResult(
            overall=overall_score(criteria, competency.rubric),
            scale_min=competency.rubric.scale.min,
            scale_max=competency.rubric.scale.max,
            criteria=criteria,
            scorer="llm",
            model=record.get("model", ""),
            prompt_version=record["prompt_version"],
            prompt_tokens=record["prompt_tokens"],
            completion_tokens=record["completion_tokens"],
            latency_ms=record["latency_ms"],
            notes=[*record["notes"], *(c.note for c in caps)],
        )
        self.sink(
            {**record, "overall": result.overall, "scale_min": result.scale_min, "criteria": _criteria_record(result)}
        )
        return result


def _located(transcript: str, quote: str) -> Evidence:
    start = transcript.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def _criteria_record(result: ScoreResult) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "score": c.score,
            "capped_from": c.capped_from,
            "flagged": c.flagged,
            "sentences": [e.quote[:60] for e in c.evidence],
            "rationale": c.rationale,
        }
        for c in result.criteria
    ]


def select(files: list[EvalFile], args: argparse.Namespace) -> list[EvalFile]:
    """The labelled set narrowed to the chosen questions, subset, parts and number of answers, as one batch per
    question: a prompt cache then serves every answer after the first, and a run cut short still has whole
    questions to compare."""
    questions = list(args.questions or [])
    traps: set[str] = set()
    if args.subset != "all":
        questions += SUBSETS[args.subset]["questions"]
        traps = set(SUBSETS[args.subset]["traps"])
    narrowed = args.answers_only or args.subset != "all"

    def chosen(entry: EvalAnswer | EvalPair | EvalRepeat) -> bool:
        return not questions or entry.question in questions or entry.id in traps

    batches: dict[tuple[str, str], EvalFile] = {}
    answers_left = args.answers
    for data in files:
        for answer in filter(chosen, data.answers):
            if answers_left is not None:
                if answers_left == 0:
                    continue
                answers_left -= 1
            batches.setdefault(answer.question_key, EvalFile()).answers.append(answer)
        for pair in [] if narrowed else filter(chosen, data.pairs):
            batches.setdefault(pair.question_key, EvalFile()).pairs.append(pair)
        for repeat in [] if narrowed else filter(chosen, data.repeats):
            batches.setdefault(repeat.question_key, EvalFile()).repeats.append(repeat)
    if args.resume_at:
        keys = [key for key in batches if key == ("id", args.resume_at)]
        if not keys:
            raise SystemExit(f"judge_quality: no chosen entry is on question {args.resume_at}")
        order = list(batches)
        return [batches[key] for key in order[order.index(keys[0]) :]]
    return list(batches.values())


def _ratio(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms / 1000:.1f} s = {ms / 1000 / BUDGET_S:.2f} x budget"


def budget_rows(report: ScorerReport) -> list[tuple[str, str]]:
    latencies = [r.latency_ms for r in report.runs if r.latency_ms is not None]
    return [
        ("complete reply p50, vs 60 s", _ratio(report.latency_ms(50))),
        ("complete reply p95, vs 60 s", _ratio(report.latency_ms(95))),
        ("complete reply slowest, vs 60 s", _ratio(max(latencies) if latencies else None)),
    ]


def token_rows(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    scored = [r for r in records if "overall" in r]
    rows = []
    for key in ("prompt_tokens", "completion_tokens"):
        values = [r[key] for r in scored if r.get(key) is not None]
        rows.append((f"mean {key.replace('_', ' ')}", f"{statistics.fmean(values):.0f}" if values else "n/a"))
    criteria = [c for r in scored for c in r["criteria"]]
    capped = sum(1 for c in criteria if c["capped_from"] is not None)
    rows.append(("criteria capped (citing nothing, or a trap)", f"{capped} of {len(criteria)}"))
    # A criterion at the scale's minimum rightly cites nothing; the share that matters is among the others.
    credited = [c for r in scored for c in r["criteria"] if c["score"] > r["scale_min"]]
    backed = sum(1 for c in credited if c["sentences"] and not c["flagged"])
    share = f"{backed / len(credited):.0%} ({backed}/{len(credited)})" if credited else "n/a"
    rows.append(("criteria above the minimum with verified evidence", share))
    return rows


def level_rows(report: ScorerReport) -> list[tuple[str, str]]:
    rows = []
    for level in sorted({a.level for a in report.answers if a.category == "genuine"}, reverse=True):
        scores = [a.score for a in report.answers if a.level == level and a.category == "genuine" and a.score]
        if scores:
            shown = f"{statistics.fmean(scores):.2f} ({min(scores):.2f} - {max(scores):.2f}, n={len(scores)})"
            rows.append((f"mean score, level {level}", shown))
    for category in TRAPS:
        scores = [a.score for a in report.answers if a.category == category and a.score is not None]
        if scores:
            rows.append((f"mean score, {category}", f"{statistics.fmean(scores):.2f} (n={len(scores)})"))
    return rows


def doc_row(label: str, report: ScorerReport) -> str:
    """The row for the results table in docs/judge-quality.md."""
    data = dict(summary_rows(report))
    p50, p95 = report.latency_ms(50), report.latency_ms(95)
    latency = "n/a" if p50 is None or p95 is None else f"{p50 / 1000:.0f} s / {p95 / 1000:.0f} s"
    highest = " / ".join("n/a" if report.highest(c) is None else f"{report.highest(c):.2f}" for c in TRAPS)
    cells = [
        label,
        data["pairwise ordering accuracy"],
        data["Spearman correlation with labels"],
        f"{report.max_spread:.2f}",
        data["criteria with verified evidence"],
        data["first-try valid replies"],
        latency,
        data["tokens per score"],
        highest,
    ]
    return "| " + " | ".join(cells) + " |"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(JUDGE_MODELS), required=True)
    parser.add_argument("--subset", choices=["all", *SUBSETS], default="all")
    parser.add_argument("--questions", nargs="+", metavar="ID", help="only entries on these question ids")
    parser.add_argument("--answers", type=int, metavar="N", help="score at most N labelled answers")
    parser.add_argument("--answers-only", action="store_true", help="leave out the pairs and repeats entries")
    parser.add_argument("--resume-at", metavar="ID", help="start at this question, skipping the ones before it")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="score every labelled answer N times")
    parser.add_argument("--max-tokens", type=int, default=1024, help="cap on a reply's length (LlmSettings)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one reply may take (LlmSettings)")
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp threads (1 is steadier on busy cores)")
    parser.add_argument(
        "--stock-grammar",
        action="store_true",
        help="constrain replies the way llama-cpp-python does by itself (slower; the same replies)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="keep the report here, rewritten after every question, and every reply's criteria beside it "
        "(NAME.replies.json)",
    )
    parser.add_argument("--label", default="", help="the first cell of the doc's table row")
    parser.add_argument(
        "--replay",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="score from these recorded runs (NAME.replies.json) with today's caps instead of a server",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()

    why = None if args.replay else missing_judge(args.model)
    if why:
        print(f"judge_quality: {why}", file=sys.stderr)
        return 2
    batches = select([load_eval_file(path) for path in eval_files([EVAL_DIR])], args)
    records: list[dict[str, Any]] = []
    started = time.monotonic()

    def progress(line: str) -> None:
        print(f"[{time.monotonic() - started:7.0f} s] {line}", file=sys.stderr, flush=True)

    def keep(record: dict[str, Any]) -> None:
        records.append(record)
        if "error" in record:
            progress(f"  failed: {record['error']}")
            return
        criteria = " ".join(f"{c['score']}{'*' if c['capped_from'] else ''}" for c in record["criteria"])
        progress(
            f"  overall {record['overall']:.2f} [{criteria}] in {record['latency_ms'] / 1000:.0f} s, "
            f"{record['prompt_tokens']} + {record['completion_tokens']} tokens"
        )

    if args.replay:
        return replay(args, batches, records=records, keep=keep, progress=progress, started=started)
    with tempfile.TemporaryDirectory() as tmp:
        log = args.out.with_name(f"{args.out.stem}.server.log") if args.out else Path(tmp) / "server.log"
        return measure(args, batches, log=log, records=records, keep=keep, progress=progress, started=started)


def measure(
    args: argparse.Namespace,
    batches: list[EvalFile],
    *,
    log: Path,
    records: list[dict[str, Any]],
    keep: Callable[[dict[str, Any]], None],
    progress: Callable[[str], None],
    started: float,
) -> int:
    library = BankLibrary(Path(tempfile.gettempdir()) / "tpm-coach-no-user-banks", ["default"])
    server = judge_server(args.model, log, lazy_grammar=not args.stock_grammar, threads=args.threads)
    with server:
        progress(f"{server.module} on {server.base_url}: {server.gguf.name} {' '.join(server.options)}")
        settings = LlmSettings(
            provider=LlmProvider.LLAMA_CPP,
            base_url=server.base_url,
            model=JUDGE_MODELS[args.model].file_stem,
            timeout_s=args.timeout,
            max_retries=0,
            max_tokens=args.max_tokens,
        )
        llm = connect_scorer(settings, None)
        scorer = RecordingScorer(llm, keep, server.raise_if_dead)
        report = ScorerReport("llm", repeat=args.repeat)
        try:
            for batch in batches:
                (part,) = run_eval([batch], library, {"llm": scorer}, repeat=args.repeat, progress=progress)
                report.answers += part.answers
                report.pairs += part.pairs
                report.repeats += part.repeats
                # After every question, so a run stopped early still leaves what it measured.
                write_report(args, report, records, time.monotonic() - started)
        except BaseException:
            server.raise_if_dead()
            raise
        finally:
            llm.close()
    print(Path(args.out).read_text() if args.out else summary_text(args, report, records, time.monotonic() - started))
    return 0


def replay(
    args: argparse.Namespace,
    batches: list[EvalFile],
    *,
    records: list[dict[str, Any]],
    keep: Callable[[dict[str, Any]], None],
    progress: Callable[[str], None],
    started: float,
) -> int:
    library = BankLibrary(Path(tempfile.gettempdir()) / "tpm-coach-no-user-banks", ["default"])
    scorer = ReplayScorer(args.replay, keep)
    (report,) = run_eval(batches, library, {"llm": scorer}, repeat=args.repeat, progress=progress)
    write_report(args, report, records, time.monotonic() - started)
    print(Path(args.out).read_text() if args.out else summary_text(args, report, records, time.monotonic() - started))
    return 0


def summary_text(args: argparse.Namespace, report: ScorerReport, records: list[dict[str, Any]], wall_s: float) -> str:
    how = (
        f"replayed from {' '.join(p.name for p in args.replay)} with today's caps"
        if args.replay
        else f"{args.threads} thread(s), "
        + ("llama-cpp-python's own grammar sampling" if args.stock_grammar else "lazy grammar sampling")
    )
    lines = [
        f"judge: {args.model} ({JUDGE_MODELS[args.model].file_stem}), subset {args.subset}"
        + (f", questions {' '.join(args.questions)}" if args.questions else "")
        + f", repeat {args.repeat}, {how}",
        f"{len(report.answers)} labelled answers, {len(report.pairs)} pairs, {len(report.repeats)} repeats; "
        f"{len(report.runs)} scores in {wall_s / 60:.1f} min of wall time",
    ]
    rows = summary_rows(report) + budget_rows(report) + token_rows(records) + level_rows(report)
    width = max(len(name) for name, _ in rows)
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    lines += [f"  MISSED {p.id}: {p.stronger} <= {p.weaker}" for p in report.ordered_pairs if not p.correct]
    lines += ["", doc_row(args.label or f"{args.model} ({args.subset})", report)]
    return "\n".join(lines) + "\n"


def write_report(args: argparse.Namespace, report: ScorerReport, records: list[dict[str, Any]], wall_s: float) -> None:
    text = summary_text(args, report, records, wall_s)
    if args.out:
        args.out.write_text(text)
        args.out.with_name(f"{args.out.stem}.replies.json").write_text(
            json.dumps({"report": report.as_dict(), "scores": records}, indent=2)
        )


if __name__ == "__main__":
    sys.exit(main())
