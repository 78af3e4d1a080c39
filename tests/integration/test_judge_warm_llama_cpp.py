"""A real llama.cpp server reads a question's scoring prompt while the candidate answers: after the app warms it,
the answer's scoring request finds everything before the answer already evaluated (the server's own log says how
many of the prompt's tokens it reused), so only the answer is left to read after Stop."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.integration.test_llm_llama_cpp import ANSWER, COMPETENCY, QUESTION
from tests.support.llama_server import LlamaServer, missing_parts
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.scoring.llm import build_openai_client
from tpm_coach.scoring.prompts import build_scoring_prompt
from tpm_coach.scoring.warm import warm_judge

_WHY_SKIPPED = missing_parts()
if _WHY_SKIPPED:
    pytest.skip(_WHY_SKIPPED, allow_module_level=True)

pytestmark = [pytest.mark.llama, pytest.mark.slow, pytest.mark.timeout(900)]

# llama-cpp-python logs, for each request that shares a prefix with the one before: "Llama.generate: N prefix-match
# hit, remaining M prompt tokens to eval".
PREFIX_HIT = re.compile(r"(\d+) prefix-match hit, remaining (\d+) prompt tokens to eval")


@pytest.fixture
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with LlamaServer(tmp_path_factory.mktemp("llama-warm") / "server.log") as server:
        yield server


def test_the_answer_is_all_that_is_left_to_read_after_a_warm_up(llama: LlamaServer) -> None:
    settings = LlmSettings(
        provider=LlmProvider.LLAMA_CPP,
        base_url=llama.base_url,
        model="smollm2",
        timeout_s=120,
        stream_timeout_s=600,
        max_retries=0,
    )
    assert warm_judge(settings, QUESTION, COMPETENCY)
    assert not PREFIX_HIT.search(llama.log_path.read_text(errors="replace")), "a fresh server has nothing to reuse"

    # The answer's own scoring prompt, as LlmScorer sends it; one token of reply is enough to see what was reused.
    client = build_openai_client(settings, None)
    try:
        client.chat.completions.create(
            model=settings.model,
            messages=build_scoring_prompt(QUESTION, COMPETENCY, ANSWER).messages,  # type: ignore[arg-type]
            max_tokens=1,
        )
    except Exception:
        llama.raise_if_dead()
        raise
    finally:
        client.close()

    hits = PREFIX_HIT.findall(llama.log_path.read_text(errors="replace"))
    assert hits, llama.log_tail()
    reused, remaining = (int(n) for n in hits[0])
    assert reused > 4 * remaining, (reused, remaining)  # the rubric and question dwarf a short answer
