"""A real model server streams its judgement: llama.cpp serving SmolLM2 through the app's own settings for a local
server. Criteria are reported in rubric order while the reply is still being written, the token count rises one
piece at a time, and the validated result agrees with what was shown provisionally."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_llm_llama_cpp import ANSWER, COMPETENCY, QUESTION
from tests.support.llama_server import LlamaServer, missing_parts
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.scoring.llm import connect_scorer
from tpm_coach.scoring.partial import ScoringProgress
from tpm_coach.scoring.reply import ReplyLimits

_WHY_SKIPPED = missing_parts()
if _WHY_SKIPPED:
    pytest.skip(_WHY_SKIPPED, allow_module_level=True)

pytestmark = [pytest.mark.llama, pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with LlamaServer(tmp_path_factory.mktemp("llama-stream") / "server.log") as server:
        yield server


def test_a_real_server_streams_criteria_before_its_reply_ends(llama: LlamaServer, tmp_path: Path) -> None:
    # The app's settings for a llama.cpp server on this computer: streamed by default, with room for a busy CPU.
    settings = LlmSettings(
        provider=LlmProvider.LLAMA_CPP,
        base_url=llama.base_url,
        model="smollm2",
        timeout_s=120,
        stream_timeout_s=600,
        max_retries=0,
    )
    progress: list[ScoringProgress] = []
    scorer = connect_scorer(
        settings, None, on_progress=progress.append, max_tokens=1200, reply_limits=ReplyLimits(48, 1)
    )
    try:
        result = scorer.score(QUESTION, COMPETENCY, ANSWER)
    except Exception:
        llama.raise_if_dead()
        raise
    finally:
        scorer.close()

    assert scorer.stream
    last_start = max(i for i, p in enumerate(progress) if p.tokens == 0)  # the reply that was kept
    reply = progress[last_start:]
    assert [p.tokens for p in reply] == list(range(len(reply)))
    ids = [c.id for c in COMPETENCY.rubric.criteria]
    shown = reply[-1].criteria_done
    assert [c.id for c in shown] == ids  # the schema keeps the rubric's order
    complete_at = next(i for i, p in enumerate(reply) if len(p.criteria_done) == len(ids))
    assert complete_at < len(reply) - 1, "every criterion was shown before the feedback text ended the reply"
    for provisional, final in zip(shown, result.criteria, strict=True):
        # The evidence rule may still cap a score the judge did not back with a sentence.
        assert provisional.score in {final.score, final.capped_from}
