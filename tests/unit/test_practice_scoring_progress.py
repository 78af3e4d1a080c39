"""The practice controller follows the judge: progress arrives as events posted through the TaskRunner while
the answer is scoring, and Cancel ends scoring with nothing stored and the answer ready to be scored again.

Real banks, SQLite and a real loopback server streaming the judge's reply; the job runs where the test says
(the test's thread, or a thread of its own when it must be cancelled while it waits on the server).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.openai_server import OpenAIStubServer, Reply, json_reply, score_payload
from tests.support.practice_fakes import Harness, make_harness, phases, problems, start
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import AttemptStatus
from tpm_coach.errors import ScoringCancelledError
from tpm_coach.practice import Action, Phase
from tpm_coach.practice.events import ScoringProgressed


@pytest.fixture
def server() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as stub:
        yield stub


def judged_by(tmp_path: Path, server: OpenAIStubServer) -> Harness:
    llm = LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="m", timeout_s=30, max_retries=0)
    return make_harness(tmp_path, llm=llm)


def start_technical(h: Harness) -> None:
    """One question the harness's typed answer (a payments migration) addresses: a judge's scores are capped for an
    answer to another question (tpm_coach/scoring/traps.py)."""
    start(h, count=1, competencies=("technical-aptitude",))


def criterion_ids(h: Harness) -> list[str]:
    assert h.controller.turn is not None
    return [c.id for c in h.controller.turn.competency.rubric.criteria]


def progress_events(h: Harness) -> list[ScoringProgressed]:
    return [e for e in h.events if isinstance(e, ScoringProgressed)]


def take_job(h: Harness) -> tuple[Any, Any]:
    """The scoring job the controller submitted, with its completion callback, to run where the test wants."""
    (job, on_done, _on_error, _serial) = h.runner.jobs.pop(0)
    return job, on_done


def test_progress_is_posted_to_the_controller_and_shown_while_scoring(tmp_path: Path, server: OpenAIStubServer) -> None:
    h = judged_by(tmp_path, server)
    start_technical(h)
    ids = criterion_ids(h)
    server.script(json_reply(score_payload(ids, 4), chunk_chars=9))
    h.controller.submit_typed(h.mic.text)
    assert h.controller.phase is Phase.SCORING
    job, on_done = take_job(h)

    outcome = job()  # on the test's thread, as a worker would: nothing may reach the listeners from here
    assert progress_events(h) == []
    assert h.runner.posted, "progress travels through the runner to the controller's thread"
    late = h.runner.posted[0]
    for posted in list(h.runner.posted):
        posted()
    h.runner.posted.clear()

    shown = [e.progress for e in progress_events(h)]
    assert shown[0].tokens == 0
    assert [p.tokens for p in shown] == sorted(p.tokens for p in shown)
    assert shown[-1].tokens > shown[0].tokens
    assert [c.id for c in shown[-1].criteria_done] == ids
    assert all(c.score == 4 for c in shown[-1].criteria_done)
    assert phases(h)[-1] is Phase.SCORING

    on_done(outcome)
    assert h.controller.phase is Phase.FEEDBACK
    count = len(progress_events(h))
    late()  # a report that comes late changes nothing once the answer is scored
    assert len(progress_events(h)) == count


def test_cancel_ends_a_scoring_that_waits_and_the_answer_can_be_scored_again(
    tmp_path: Path, server: OpenAIStubServer
) -> None:
    h = judged_by(tmp_path, server)
    start_technical(h)
    ids = criterion_ids(h)
    whole = json.dumps(score_payload(ids, 4))
    server.script(Reply(content=whole, chunk_chars=9, stream_stall_after=12))  # a few criteria, then silence
    h.controller.submit_typed(h.mic.text)
    job, on_done = take_job(h)
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(job()), name="scoring-job")
    worker.start()
    assert server.wait_for_requests(1)

    h.controller.cancel_scoring()
    worker.join(20)
    assert not worker.is_alive()
    on_done(outcome[0])

    assert h.controller.phase is Phase.SCORING_FAILED
    problem = h.controller.snapshot().problem
    assert problem is not None and isinstance(problem.error, ScoringCancelledError)
    assert Action.RETRY_SCORING in problem.actions and Action.SCORE_OFFLINE in problem.actions
    assert problems(h) == []  # asked for, so not reported as an error
    attempt_id = h.controller.attempt_id
    assert attempt_id is not None
    stored = h.attempts.get(attempt_id)
    assert stored.status is AttemptStatus.TRANSCRIBED  # nothing stored by the cancelled scoring
    assert stored.score is None and stored.status_reason == ""
    assert stored.transcript is not None and stored.transcript.text == h.mic.text

    server.script(json_reply(score_payload(ids, 3)))
    h.controller.retry()
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    scored = h.attempts.get(attempt_id)
    assert scored.status is AttemptStatus.SCORED
    assert scored.score is not None and scored.score.scorer == "llm"
    assert len(h.attempts.list_for_session(h.controller.session_id or 0)) == 1  # the same answer, scored


def test_a_cancelled_scoring_stores_nothing_even_from_a_scorer_that_finished(tmp_path: Path) -> None:
    h = make_harness(tmp_path)  # the offline scorer finishes at once: its result is refused
    start_technical(h)
    h.controller.submit_typed(h.mic.text)
    assert h.controller.phase is Phase.SCORING
    h.controller.cancel_scoring()  # before the job has even run
    h.runner.drain()

    assert h.controller.phase is Phase.SCORING_FAILED
    stored = h.attempts.get(h.controller.attempt_id or 0)
    assert stored.status is AttemptStatus.TRANSCRIBED
    assert stored.score is None
    h.controller.score_offline()
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert h.attempts.get(stored.id).status is AttemptStatus.SCORED


def test_cancel_outside_scoring_does_nothing(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start_technical(h)
    h.controller.cancel_scoring()
    assert h.controller.phase is Phase.QUESTION
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    h.controller.cancel_scoring()
    assert h.controller.phase is Phase.FEEDBACK
