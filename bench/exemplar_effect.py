"""What a bank's exemplars do to the LLM judge's agreement with a coach: the held-back coach-graded answers in
tests/data/coach scored by a local Qwen2.5-Coder judge (scripts/install-judge-models) with and without the
exemplars in tests/data/coach/exemplars.yaml, through a llama.cpp server. Prints the agreement tables and the
ratio of mean absolute differences (with / without); docs/coach.md reports the figures.

    nice .venv/bin/python bench/exemplar_effect.py --model 0.5b --threads 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.judge_models import JUDGE_MODELS, judge_server, missing_judge
from tpm_coach.banks.library import BankLibrary
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Competency, DeliveryMetrics, Question, ScoreResult
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.agreement import format_agreement
from tpm_coach.scoring.base import Scorer
from tpm_coach.scoring.eval import coach_agreement, load_eval_file
from tpm_coach.scoring.exemplar_eval import WithExemplars, exemplars_by_question
from tpm_coach.scoring.llm import connect_scorer

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "coach"


class SayingScorer:
    """Passes each call to the judge and prints what came back, or why it failed, as it goes."""

    kind = "llm"

    def __init__(self, scorer: Scorer, check_server: Callable[[], None]) -> None:
        self.scorer = scorer
        self.check_server = check_server

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        try:
            result = self.scorer.score(question, competency, transcript, metrics)
        except ScoringError as exc:
            self.check_server()
            print(f"  failed: {exc}", flush=True)
            raise
        print(f"  {[c.score for c in result.criteria]} {result.prompt_version} {result.latency_ms} ms", flush=True)
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(JUDGE_MODELS), default="0.5b")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--max-tokens", type=int, default=1024)
    args = parser.parse_args()
    missing = missing_judge(args.model)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    held_back = [load_eval_file(DATA / "held_back.yaml")]
    exemplars = exemplars_by_question([load_eval_file(DATA / "exemplars.yaml")])
    with tempfile.TemporaryDirectory() as tmp:
        library = BankLibrary(Path(tmp) / "no-user-banks", ["default"])
        server = judge_server(args.model, Path(tmp) / "server.log", threads=args.threads)
        with server:
            settings = LlmSettings(
                provider=LlmProvider.LLAMA_CPP,
                base_url=server.base_url,
                model=JUDGE_MODELS[args.model].file_stem,
                timeout_s=args.timeout,
                max_retries=0,
                max_tokens=args.max_tokens,
            )
            llm = connect_scorer(settings, None)
            judge = SayingScorer(llm, server.raise_if_dead)
            try:
                figures = {}
                for name, lookup in (
                    ("without exemplars", library),
                    ("with exemplars", WithExemplars(library, exemplars)),
                ):
                    started = time.monotonic()
                    report, failed = coach_agreement(held_back, lookup, {"llm": judge})["llm"]
                    print(format_agreement(report, f"{args.model} judge {name}"), flush=True)
                    print(f"  {failed} failed, {time.monotonic() - started:.0f} s\n", flush=True)
                    figures[name] = report.overall
            finally:
                llm.close()
    plain, calibrated = figures["without exemplars"], figures["with exemplars"]
    if plain is not None and calibrated is not None and plain.mean_abs_diff:
        ratio = (calibrated.mean_abs_diff or 0.0) / plain.mean_abs_diff
        print(f"mean |diff| with / without exemplars: {ratio:.2f} (below 1: closer to the coach)")
        print(f"kappa without {plain.kappa}, with {calibrated.kappa}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
