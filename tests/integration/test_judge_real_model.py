"""The judge with a real instruct model: Qwen2.5-Coder-0.5B on llama.cpp scores a strong and a poor labelled answer to
the same question, end to end through the app's own LLM scorer. The strong one must score higher, and every criterion
scored above the middle anchor must rest on sentences really in the answer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import openai
import pytest

from tests.conftest import REPO_ROOT
from tests.support.judge_models import JUDGE_MODELS, judge_server, missing_judge
from tests.support.llama_server import LlamaServer
from tpm_coach.banks.library import BankLibrary
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import ScoreResult
from tpm_coach.scoring.eval import EvalAnswer, load_eval_file
from tpm_coach.scoring.llm import connect_scorer
from tpm_coach.scoring.prompts import build_scoring_prompt, is_behavioral
from tpm_coach.scoring.reply import middle_anchor, reply_json_schema

MODEL = "0.5b"
_WHY_SKIPPED = missing_judge(MODEL)
if _WHY_SKIPPED:
    pytest.skip(_WHY_SKIPPED, allow_module_level=True)

pytestmark = [pytest.mark.llama, pytest.mark.slow, pytest.mark.timeout(1800)]

# A pair from the labelled set that people graded 4 (strong) and 1 (poor); docs/judge-quality.md says why this one.
EVAL_FILE = REPO_ROOT / "tests" / "data" / "eval" / "risk-management.yaml"
STRONG, POOR = "risk-011-strong", "risk-011-poor"


def labelled(answer_id: str) -> EvalAnswer:
    (answer,) = [a for a in load_eval_file(EVAL_FILE).answers if a.id == answer_id]
    return answer


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    # One thread: on cores that other work keeps busy, llama.cpp's two threads keep waiting for each other.
    with judge_server(MODEL, tmp_path_factory.mktemp("judge") / "server.log", threads=1) as server:
        yield server


# Opt-in until the judge is good enough to hold to it: on this pair the 0.5B model's reply runs past max_tokens
# after its repair request (measured; docs/judge-quality.md). `TPM_COACH_REAL_JUDGE=1 pytest <this file>` runs it.
@pytest.mark.skipif(
    os.environ.get("TPM_COACH_REAL_JUDGE") != "1",
    reason="the 0.5B judge's reply to this pair runs past max_tokens; set TPM_COACH_REAL_JUDGE=1 to run it",
)
def test_a_real_judge_ranks_the_strong_answer_above_the_poor_one_with_evidence(
    judge: LlamaServer, tmp_path: Path
) -> None:
    strong, poor = labelled(STRONG), labelled(POOR)
    assert strong.question == poor.question
    assert (strong.level, poor.level) == (4, 1)
    library = BankLibrary(tmp_path / "no-user-banks", ["default"])
    question = library.question(strong.question or "")
    competency = library.competency_for(question)
    settings = LlmSettings(
        provider=LlmProvider.LLAMA_CPP,
        base_url=judge.base_url,
        model=JUDGE_MODELS[MODEL].file_stem,
        timeout_s=600,
        max_retries=0,
        max_tokens=1024,
    )
    scorer = connect_scorer(settings, None)
    results: dict[str, ScoreResult] = {}
    try:
        for answer in (strong, poor):
            results[answer.id] = scorer.score(question, competency, answer.answer)
    except Exception:
        judge.raise_if_dead()
        raise
    finally:
        scorer.close()

    summary = {i: (r.overall, [(c.id, c.score, len(c.evidence)) for c in r.criteria]) for i, r in results.items()}
    assert results[STRONG].overall > results[POOR].overall, summary
    middle = middle_anchor(competency)
    for answer in (strong, poor):
        for criterion in results[answer.id].criteria:
            if criterion.score > middle:
                assert criterion.evidence, (answer.id, criterion)
                assert not criterion.flagged, (answer.id, criterion)
                for evidence in criterion.evidence:
                    assert evidence.start is not None
                    assert evidence.end is not None
                    assert answer.answer[evidence.start : evidence.end] == evidence.quote


def test_lazy_grammar_sampling_gives_the_reply_llama_cpp_python_gives(tmp_path: Path) -> None:
    """The judge's measurements and the test above check the schema on the likeliest token first
    (tests/support/lazy_grammar_server.py); at temperature 0 that must not change a single token of a reply."""
    library = BankLibrary(tmp_path / "no-user-banks", ["default"])
    poor = labelled(POOR)
    question = library.question(poor.question or "")
    competency = library.competency_for(question)
    prompt = build_scoring_prompt(question, competency, poor.answer)
    response_format = {"type": "json_object", "schema": reply_json_schema(competency, is_behavioral(question))}
    replies = {}
    # Each on a fresh server: a prompt cache left by earlier requests could change the arithmetic, not the sampling.
    for lazy in (True, False):
        with judge_server(MODEL, tmp_path / f"lazy-{lazy}.log", lazy_grammar=lazy, threads=1) as server:
            client = openai.OpenAI(base_url=server.base_url, api_key="not-needed", timeout=600, max_retries=0)
            try:
                completion = client.chat.completions.create(
                    model=MODEL,
                    messages=cast(Any, prompt.messages),
                    response_format=cast(Any, response_format),
                    temperature=0,
                    max_tokens=48,
                )
            except Exception:
                server.raise_if_dead()
                raise
            finally:
                client.close()
            replies[lazy] = completion.choices[0].message.content
    assert replies[True]
    assert replies[True].startswith('{"criteria"')
    assert replies[True] == replies[False]
