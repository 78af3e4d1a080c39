"""How well a real local model judges answers: the eval harness (`tpm-coach eval --scorer llm`) run through a
llama.cpp server with a Qwen2.5-Coder GGUF from scripts/install-judge-models, over the labelled set or a subset.

Prints the measures of docs/judge-quality.md (ordering accuracy, Spearman, repeatability, verified evidence,
first-try valid replies, latency, tokens), the time to a complete reply as a ratio of the 60 s budget, the mean
score by level and every missed pair, plus the table row for the doc. `--out FILE` also writes the report and every
reply's criteria (scores, cited sentences, caps) as JSON, for reading what the model got wrong.

    .venv/bin/python bench/judge_quality.py --model 0.5b                      # the whole labelled set
    .venv/bin/python bench/judge_quality.py --model 1.5b --subset per-skill   # see SUBSETS
    .venv/bin/python bench/judge_quality.py --model 1.5b --questions risk-002 --answers 2 --repeat 2
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
from tpm_coach.domain import Competency, DeliveryMetrics, Question, ScoreResult
from tpm_coach.scoring.eval import EvalFile, eval_files, load_eval_file, run_eval
from tpm_coach.scoring.eval_report import TRAPS, ScorerReport, summary_rows
from tpm_coach.scoring.llm import LlmScorer, connect_scorer

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

    def __init__(self, scorer: LlmScorer, sink: Callable[[dict[str, Any]], None]) -> None:
        self.scorer = scorer
        self.sink = sink

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        try:
            result = self.scorer.score(question, competency, transcript, metrics)
        except Exception as exc:
            self.sink({"question": question.id, "answer": transcript[:80], "error": str(exc)})
            raise
        self.sink(
            {
                "question": question.id,
                "answer": transcript[:80],
                "overall": result.overall,
                "criteria": [
                    {
                        "id": c.id,
                        "score": c.score,
                        "capped_from": c.capped_from,
                        "flagged": c.flagged,
                        "sentences": [e.quote[:60] for e in c.evidence],
                        "rationale": c.rationale,
                    }
                    for c in result.criteria
                ],
                "prompt_version": result.prompt_version,
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "latency_ms": result.latency_ms,
                "notes": result.notes,
            }
        )
        return result


def select(files: list[EvalFile], args: argparse.Namespace) -> list[EvalFile]:
    """The labelled set narrowed to the chosen questions, subset, parts and number of answers."""
    questions = set(args.questions or [])
    traps: set[str] = set()
    if args.subset != "all":
        questions |= set(SUBSETS[args.subset]["questions"])
        traps = set(SUBSETS[args.subset]["traps"])
    narrowed = args.answers_only or args.subset != "all"
    out: list[EvalFile] = []
    budget = args.answers
    for data in files:
        answers = [a for a in data.answers if not questions or a.question in questions or a.id in traps]
        if budget is not None:
            answers, budget = answers[:budget], max(0, budget - len(answers))
        pairs = [] if narrowed else [p for p in data.pairs if not questions or p.question in questions]
        repeats = [] if narrowed else [r for r in data.repeats if not questions or r.question in questions]
        out.append(EvalFile(answers=answers, pairs=pairs, repeats=repeats))
    return out


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
    rows.append(("criteria capped for citing nothing", f"{capped} of {len(criteria)}"))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(JUDGE_MODELS), required=True)
    parser.add_argument("--subset", choices=["all", *SUBSETS], default="all")
    parser.add_argument("--questions", nargs="+", metavar="ID", help="only entries on these question ids")
    parser.add_argument("--answers", type=int, metavar="N", help="score at most N labelled answers")
    parser.add_argument("--answers-only", action="store_true", help="leave out the pairs and repeats entries")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="score every labelled answer N times")
    parser.add_argument("--max-tokens", type=int, default=1024, help="cap on a reply's length (LlmSettings)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one reply may take (LlmSettings)")
    parser.add_argument("--out", type=Path, help="also write the report and every reply's criteria here as JSON")
    parser.add_argument("--label", default="", help="the first cell of the doc's table row")
    args = parser.parse_args()

    why = missing_judge(args.model)
    if why:
        print(f"judge_quality: {why}", file=sys.stderr)
        return 2
    files = select([load_eval_file(path) for path in eval_files([EVAL_DIR])], args)
    library = BankLibrary(Path(tempfile.gettempdir()) / "tpm-coach-no-user-banks", ["default"])
    records: list[dict[str, Any]] = []
    started = time.monotonic()

    def progress(line: str) -> None:
        print(f"[{time.monotonic() - started:7.0f} s] {line}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp, judge_server(args.model, Path(tmp) / "server.log") as server:
        progress(f"server up on {server.base_url} with {server.gguf.name} ({' '.join(server.options)})")
        settings = LlmSettings(
            provider=LlmProvider.LLAMA_CPP,
            base_url=server.base_url,
            model=JUDGE_MODELS[args.model].file_stem,
            timeout_s=args.timeout,
            max_retries=0,
            max_tokens=args.max_tokens,
        )
        llm = connect_scorer(settings, None)
        try:
            scorer = RecordingScorer(llm, records.append)
            (report,) = run_eval(files, library, {"llm": scorer}, repeat=args.repeat, progress=progress)
        except BaseException:
            server.raise_if_dead()
            raise
        finally:
            llm.close()
    wall_s = time.monotonic() - started

    print(f"judge: {args.model} ({JUDGE_MODELS[args.model].file_stem}), subset {args.subset}", end="")
    print(f"{', questions ' + ' '.join(args.questions) if args.questions else ''}, repeat {args.repeat}")
    print(f"{len(report.answers)} labelled answers, {len(report.pairs)} pairs, {len(report.repeats)} repeats;")
    print(f"{len(report.runs)} scores in {wall_s / 60:.1f} min of wall time")
    rows = summary_rows(report) + budget_rows(report) + token_rows(records) + level_rows(report)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    for pair in report.ordered_pairs:
        if not pair.correct:
            print(f"  MISSED {pair.id}: {pair.stronger} <= {pair.weaker}")
    print()
    print(doc_row(args.label or f"{args.model} ({args.subset})", report))
    if args.out:
        args.out.write_text(json.dumps({"report": report.as_dict(), "scores": records}, indent=2))
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
