"""Streamed judging against a real loopback server: criteria reported as they complete, a rising token count,
streaming by default for a server on this computer, and a stalled stream ended by the pause limit."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.support import scoring_fixtures
from tests.support.openai_server import OpenAIStubServer, Reply, json_reply, score_payload
from tpm_coach.config import LOCAL_PROVIDERS, LlmProvider, LlmSettings
from tpm_coach.domain import Competency, Question
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.llm import LlmScorer, connect_scorer, streams
from tpm_coach.scoring.partial import ScoringProgress

TRANSCRIPT = (
    "I would ask what the change touches and who else reads that config. Then I'd want a feature flag for a "
    "small group first, a rehearsed rollback, and monitoring and alerts before we ship it tomorrow."
)
GENEROUS_S = 20.0  # far below how long a stalled server would keep a call open

server = scoring_fixtures.server
bank = scoring_fixtures.bank
question = scoring_fixtures.question
competency = scoring_fixtures.competency


def ids(competency: Competency) -> list[str]:
    return [c.id for c in competency.rubric.criteria]


@pytest.fixture
def scorers() -> Iterator[Callable[..., LlmScorer]]:
    made: list[LlmScorer] = []

    def make(settings: LlmSettings, **options: object) -> LlmScorer:
        scorer = connect_scorer(settings, None, **options)  # type: ignore[arg-type]
        made.append(scorer)
        return scorer

    yield make
    for scorer in made:
        scorer.close()


def local(base_url: str, **values: object) -> LlmSettings:
    return LlmSettings.model_validate(
        {"provider": "custom", "base_url": base_url, "model": "m", "max_retries": 0, **values}
    )


def test_criteria_are_reported_in_order_as_they_complete(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], question: Question, competency: Competency
) -> None:
    criterion_ids = ids(competency)
    scores = {cid: 1 + i % 5 for i, cid in enumerate(criterion_ids)}
    cited = {cid: [1 + i % 2] for i, cid in enumerate(criterion_ids)}
    content = json.dumps(score_payload(criterion_ids, scores, sentences=cited))
    server.script(Reply(content=content, chunk_chars=7))
    progress: list[ScoringProgress] = []

    result = scorers(local(server.base_url), on_progress=progress.append).score(question, competency, TRANSCRIPT)

    assert server.requests[0].body["stream"] is True  # a server on this computer streams by default
    chunks = -(-len(content) // 7)
    assert [p.tokens for p in progress] == list(range(chunks + 1))  # one report as the request starts, then one a chunk
    arrivals = [p.criteria_done for p in progress]
    for before, after in itertools.pairwise(arrivals):
        assert after[: len(before)] == before  # criteria only ever arrive, each once, never change
    final = arrivals[-1]
    assert [c.id for c in final] == criterion_ids
    assert [(c.score, list(c.sentences)) for c in final] == [(scores[i], cited[i]) for i in criterion_ids]
    # Each criterion is reported at the chunk that closes its object, long before the feedback text ends the reply.
    for count, cid in enumerate(criterion_ids, start=1):
        first = next(p for p in progress if len(p.criteria_done) >= count)
        closed_by = content.index("}", content.index(json.dumps(cid) + ":")) + 1
        assert first.tokens == -(-closed_by // 7)
    assert next(p.tokens for p in progress if len(p.criteria_done) == len(criterion_ids)) < chunks - 5
    assert [c.score for c in result.criteria] == [scores[i] for i in criterion_ids]


def test_a_repair_starts_the_progress_again(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], question: Question, competency: Competency
) -> None:
    criterion_ids = ids(competency)
    broken = score_payload(criterion_ids, 4)
    del broken["criteria"][criterion_ids[-1]]
    server.script(json_reply(broken, chunk_chars=11), json_reply(score_payload(criterion_ids, 2), chunk_chars=11))
    progress: list[ScoringProgress] = []

    result = scorers(local(server.base_url), on_progress=progress.append).score(question, competency, TRANSCRIPT)

    restarts = [i for i, p in enumerate(progress) if p.tokens == 0]
    assert len(restarts) == 2
    first_reply, second_reply = progress[restarts[0] : restarts[1]], progress[restarts[1] :]
    assert [c.score for c in first_reply[-1].criteria_done] == [4] * (len(criterion_ids) - 1)
    assert second_reply[0].criteria_done == ()
    assert [c.score for c in second_reply[-1].criteria_done] == [2] * len(criterion_ids)
    assert [c.score for c in result.criteria] == [2] * len(criterion_ids)


@pytest.mark.parametrize(
    ("provider", "base_url", "expected"),
    [
        *((p, "", True) for p in sorted(LOCAL_PROVIDERS)),
        (LlmProvider.OPENAI, "", False),
        (LlmProvider.CUSTOM, "http://127.0.0.1:9999/v1", True),
        (LlmProvider.CUSTOM, "http://localhost:9999/v1", True),
        (LlmProvider.CUSTOM, "http://[::1]:9999/v1", True),
        (LlmProvider.CUSTOM, "https://llm.example.com/v1", False),
        (LlmProvider.CUSTOM, "http://192.168.1.20:8000/v1", False),
    ],
)
def test_servers_on_this_computer_stream_by_default(provider: LlmProvider, base_url: str, expected: bool) -> None:
    settings = LlmSettings(provider=provider, base_url=base_url)
    assert streams(settings) is expected
    assert streams(settings.model_copy(update={"stream": not expected})) is not expected  # the setting wins


def test_a_streamed_reply_gets_the_stream_limits(scorers: Callable[..., LlmScorer], server: OpenAIStubServer) -> None:
    streamed = scorers(local(server.base_url, timeout_s=45, stream_timeout_s=200))
    assert (streamed.stream, streamed.timeout_s, streamed.idle_timeout_s) == (True, 200, 45)
    whole = scorers(local(server.base_url, timeout_s=45, stream=False))
    assert (whole.stream, whole.timeout_s, whole.idle_timeout_s) == (False, 45, None)
    assert LlmSettings().stream_timeout_s >= 180  # a 1.5B model on two cores needs 2-3 minutes for a reply


def score_in_thread(scorer: LlmScorer, question: Question, competency: Competency) -> tuple[threading.Thread, list]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(scorer.score(question, competency, TRANSCRIPT))
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, name="scoring")
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("chunks_before", [None, 0, 30], ids=["silent", "headers-only", "mid-reply"])
def test_a_stalled_stream_ends_at_the_pause_limit(
    server: OpenAIStubServer,
    scorers: Callable[..., LlmScorer],
    *,
    question: Question,
    competency: Competency,
    chunks_before: int | None,
) -> None:
    content = json.dumps(score_payload(ids(competency), 3))
    stall = (
        Reply(content=content, delay_s=300)  # accepts the request and says nothing, not even headers
        if chunks_before is None
        else Reply(content=content, chunk_chars=7, stream_stall_after=chunks_before)
    )
    server.script(stall)
    settings = local(server.base_url, timeout_s=1, stream_timeout_s=300, max_retries=2)
    progress: list[ScoringProgress] = []
    scorer = scorers(settings, on_progress=progress.append)
    started = time.monotonic()
    thread, outcome = score_in_thread(scorer, question, competency)
    thread.join(GENEROUS_S)

    assert not thread.is_alive()
    assert time.monotonic() - started < GENEROUS_S
    (error,) = outcome
    assert isinstance(error, ScoringError)
    assert f"LLM server at {server.base_url} sent nothing for 1 s while writing its reply" in error.message
    assert "check that the server is still running" in error.hint
    assert "can be scored again" in error.hint
    assert len(server.requests) == 1  # a hung server is not asked again: it would only hang again
    assert progress[-1].tokens == (chunks_before or 0)
    if chunks_before == 30:
        assert progress[-1].criteria_done  # what arrived before the stall was shown
