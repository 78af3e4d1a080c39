"""The judge with a real instruct model: Qwen2.5-Coder-0.5B on llama.cpp scores a labelled pair, a strong and a poor
answer to the same question, end to end through the app's own LLM scorer. The strong one must score higher, and every
criterion scored above the middle anchor must rest on sentences really in the answer."""

from __future__ import annotations

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
from tpm_coach.scoring.eval import EvalPair, load_eval_file
from tpm_coach.scoring.llm import connect_scorer
from tpm_coach.scoring.prompts import build_scoring_prompt, is_behavioral
from tpm_coach.scoring.reply import ReplyLimits, middle_anchor, reply_json_schema

MODEL = "0.5b"
_WHY_SKIPPED = missing_judge(MODEL)
if _WHY_SKIPPED:
    pytest.skip(_WHY_SKIPPED, allow_module_level=True)

pytestmark = [pytest.mark.llama, pytest.mark.slow, pytest.mark.timeout(1800)]

# A `pairs:` entry of the labelled set: a risk story with probability, impact, an owner, a trigger and an outcome
# against a vague "I had a feeling" answer. The 0.5B model orders it (4.4 against 3.6 when chosen), but not every
# pair: it scored risk-011's two-sentence poor answer 5.0 and the strong one 4.0 (docs/judge-quality.md).
EVAL_FILE = REPO_ROOT / "tests" / "data" / "eval" / "risk-management.yaml"
PAIR = "risk-001-spotted-early"


def labelled_pair() -> EvalPair:
    (pair,) = [p for p in load_eval_file(EVAL_FILE).pairs if p.id == PAIR]
    return pair


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    # One thread: on cores that other work keeps busy, llama.cpp's two threads keep waiting for each other.
    with judge_server(MODEL, tmp_path_factory.mktemp("judge") / "server.log", threads=1) as server:
        yield server


def test_a_real_judge_ranks_the_strong_answer_above_the_poor_one_with_evidence(
    judge: LlamaServer, tmp_path: Path
) -> None:
    pair = labelled_pair()
    answers = {"stronger": pair.stronger, "weaker": pair.weaker}
    library = BankLibrary(tmp_path / "no-user-banks", ["default"])
    question = library.question(pair.question or "")
    competency = library.competency_for(question)
    settings = LlmSettings(
        provider=LlmProvider.LLAMA_CPP,
        base_url=judge.base_url,
        model=JUDGE_MODELS[MODEL].file_stem,
        timeout_s=600,
        max_retries=0,
        max_tokens=1024,
    )
    # The app's length limits for small local models: without them this model copies the whole answer into every
    # rationale and is cut off at max_tokens (docs/judge-quality.md).
    scorer = connect_scorer(settings, None, reply_limits=ReplyLimits())
    results: dict[str, ScoreResult] = {}
    try:
        for name, text in answers.items():
            results[name] = scorer.score(question, competency, text)
    except Exception:
        judge.raise_if_dead()
        raise
    finally:
        scorer.close()

    summary = {i: (r.overall, [(c.id, c.score, len(c.evidence)) for c in r.criteria]) for i, r in results.items()}
    assert results["stronger"].overall > results["weaker"].overall, summary
    middle = middle_anchor(competency)
    for name, text in answers.items():
        for criterion in results[name].criteria:
            if criterion.score > middle:
                assert criterion.evidence, (name, criterion)
                assert not criterion.flagged, (name, criterion)
                for evidence in criterion.evidence:
                    assert evidence.start is not None
                    assert evidence.end is not None
                    assert text[evidence.start : evidence.end] == evidence.quote


def test_lazy_grammar_sampling_gives_the_reply_llama_cpp_python_gives(tmp_path: Path) -> None:
    """The judge's measurements and the test above check the schema on the likeliest token first
    (tests/support/lazy_grammar_server.py); at temperature 0 that must not change a single token of a reply."""
    library = BankLibrary(tmp_path / "no-user-banks", ["default"])
    pair = labelled_pair()
    question = library.question(pair.question or "")
    competency = library.competency_for(question)
    prompt = build_scoring_prompt(question, competency, pair.weaker)
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
