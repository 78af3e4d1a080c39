"""A scoring call ends: at a total deadline however slowly the server trickles, or at once when cancelled.

Real loopback servers: one that sends a keep-alive byte every half second for a minute (which a per-read
timeout never catches), and one that accepts the request and says nothing. Bounds on elapsed time are
generous, far below how long the server would keep going: they check that the call ended, not how fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import REPO_ROOT
from tests.support import scoring_fixtures
from tests.support.openai_server import OpenAIStubServer, Reply, error_reply, score_payload
from tests.support.scoring_fixtures import RecordingSleep
from tpm_coach.call_guard import Cancellation
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Competency, Question
from tpm_coach.errors import ScoringCancelledError, ScoringError
from tpm_coach.scoring.llm import LlmScorer, connect_scorer

TRANSCRIPT = (
    "I would ask what the change touches and who else reads that config. Then I'd want a feature flag for a "
    "small group first, a rehearsed rollback, and monitoring and alerts before we ship it tomorrow."
)
TRICKLE_S = 60.0  # how long the trickling server would keep a call alive
GENEROUS_S = 20.0

server = scoring_fixtures.server
bank = scoring_fixtures.bank
question = scoring_fixtures.question
competency = scoring_fixtures.competency


def trickling(competency: Competency) -> Reply:
    content = json.dumps(score_payload([c.id for c in competency.rubric.criteria], 3))
    return Reply(content=content, delay_s=TRICKLE_S, trickle_every_s=0.5)


@pytest.fixture
def scorers() -> Iterator[Callable[..., LlmScorer]]:
    made: list[LlmScorer] = []

    def make(base_url: str, *, cancellation: Cancellation | None = None, **options: object) -> LlmScorer:
        # Whole replies unless a test asks for a stream; a streamed one may take 2 s in all, like a whole one.
        settings = LlmSettings(
            provider=LlmProvider.CUSTOM,
            base_url=base_url,
            model="m",
            timeout_s=2,
            stream=False,
            stream_timeout_s=2,
            max_retries=0,
        )
        scorer = connect_scorer(settings, None, cancellation=cancellation, **options)
        made.append(scorer)
        return scorer

    yield make
    for scorer in made:
        scorer.close()


@pytest.mark.parametrize("stream", [False, True], ids=["whole-reply", "streamed"])
def test_a_trickling_server_is_cut_off_at_the_deadline(
    server: OpenAIStubServer,
    scorers: Callable[..., LlmScorer],
    *,
    question: Question,
    competency: Competency,
    stream: bool,
) -> None:
    server.default = trickling(competency)
    scorer = scorers(server.base_url, stream=stream)
    started = time.monotonic()
    with pytest.raises(ScoringError, match=r"did not answer within 2 s \(1 attempt\)"):
        scorer.score(question, competency, TRANSCRIPT)
    assert time.monotonic() - started < GENEROUS_S
    assert len(server.requests) == 1


def test_retries_share_one_deadline(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], question: Question, competency: Competency
) -> None:
    server.default = trickling(competency)
    scorer = scorers(server.base_url, max_retries=5, timeout_s=1.5, deadline_s=3.0)
    started = time.monotonic()
    with pytest.raises(ScoringError, match=r"did not finish scoring within 3 s \(2 attempts\)"):
        scorer.score(question, competency, TRANSCRIPT)
    assert time.monotonic() - started < GENEROUS_S
    assert len(server.requests) == 2  # five retries were allowed; the deadline came first


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


@pytest.mark.parametrize("stream", [False, True], ids=["whole-reply", "streamed"])
def test_cancel_ends_a_call_to_a_silent_server(
    server: OpenAIStubServer,
    scorers: Callable[..., LlmScorer],
    *,
    question: Question,
    competency: Competency,
    stream: bool,
) -> None:
    server.default = Reply(content="{}", delay_s=TRICKLE_S)  # accepts the request, then says nothing
    scorer = scorers(server.base_url, timeout_s=TRICKLE_S, stream=stream, idle_timeout_s=None)
    thread, outcome = score_in_thread(scorer, question, competency)
    assert server.wait_for_requests(1)
    scorer.cancel()
    thread.join(GENEROUS_S)
    assert not thread.is_alive()
    (error,) = outcome
    assert isinstance(error, ScoringCancelledError)
    with pytest.raises(ScoringCancelledError):  # a cancelled scorer starts nothing new
        scorer.score(question, competency, TRANSCRIPT)
    assert len(server.requests) == 1


def test_one_cancellation_stops_every_scorer_and_the_pause_between_retries(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], question: Question, competency: Competency
) -> None:
    cancellation = Cancellation()
    silent = OpenAIStubServer(default=Reply(content="{}", delay_s=TRICKLE_S)).start()
    server.default = error_reply(503, "loading")  # the other scorer waits between retries (0.5, 1, 2 ... s)
    try:
        waiting = scorers(silent.base_url, cancellation=cancellation, timeout_s=TRICKLE_S)
        retrying = scorers(server.base_url, cancellation=cancellation, max_retries=8, deadline_s=TRICKLE_S)
        runs = [score_in_thread(s, question, competency) for s in (waiting, retrying)]
        assert silent.wait_for_requests(1)
        assert server.wait_for_requests(2)
        cancellation.cancel()
        for thread, _ in runs:
            thread.join(GENEROUS_S)
            assert not thread.is_alive()
        assert all(isinstance(outcome[0], ScoringCancelledError) for _, outcome in runs)
        late = scorers(server.base_url, cancellation=cancellation)
        with pytest.raises(ScoringCancelledError):
            late.score(question, competency, TRANSCRIPT)
    finally:
        silent.close()


def test_retry_pauses_use_the_injected_sleep(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], question: Question, competency: Competency
) -> None:
    sleep = RecordingSleep()
    server.default = error_reply(503, "loading")
    with pytest.raises(ScoringError, match=r"HTTP 503 \(3 attempts\)"):
        scorers(server.base_url, max_retries=2, sleep=sleep).score(question, competency, TRANSCRIPT)
    assert sleep.delays == [0.5, 1.0]


def test_the_command_line_ends_at_the_deadline(server: OpenAIStubServer, competency: Competency) -> None:
    server.default = trickling(competency)
    env = {
        **os.environ,
        "OPENAI_BASE_URL": server.base_url,
        "TPM_COACH_LLM_MODEL": "m",
        "TPM_COACH_LLM_TIMEOUT_S": "3",
        "TPM_COACH_LLM_STREAM_TIMEOUT_S": "3",  # a server on this computer: its reply is streamed
        "TPM_COACH_LLM_MAX_RETRIES": "0",
    }
    strong = REPO_ROOT / "tests" / "data" / "transcripts" / "tech-001-strong.txt"
    result = subprocess.run(
        [sys.executable, "-m", "tpm_coach", "score", "--question", "tech-001", "--transcript-file", str(strong)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=TRICKLE_S / 2,  # the old per-read timeout would still be reading then
        check=False,
        env=env,
    )
    assert result.returncode == 2
    assert "did not answer within 3 s (1 attempt)" in result.stderr
