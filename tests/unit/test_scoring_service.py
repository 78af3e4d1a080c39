"""ScoringService with a real SQLite database: scores are stored, failures are recorded, nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.openai_server import OpenAIStubServer, RecordedRequest, Reply, error_reply, json_reply, score_payload
from tpm_coach.banks import load_bank
from tpm_coach.call_guard import Cancellation
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import (
    AttemptStatus,
    Bank,
    Competency,
    DeliveryMetrics,
    Question,
    ScoreResult,
    Transcript,
)
from tpm_coach.errors import EmptyAnswerError, ScoringCancelledError, ScoringError, ScoringSupersededError
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring import OfflineScorer, Scorer, ScorerChoice, ScoringService, scorer_factory
from tpm_coach.scoring.llm import LlmScorer, build_openai_client
from tpm_coach.storage import AttemptRepository, Database, SessionRepository

ANSWER = (
    "Last year I owned the launch of our billing migration. The platform team did not report to me, so I met "
    "their lead one-on-one to learn what they cared about, and we agreed a shared goal. I learned to ask earlier."
)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(default_bank_path())


@pytest.fixture
def question(bank: Bank) -> Question:
    return next(q for q in bank.questions if q.id == "lead-001")


@pytest.fixture
def competency(bank: Bank, question: Question) -> Competency:
    return next(c for c in bank.competencies if c.id == question.competency)


@pytest.fixture
def attempts(tmp_path: Path) -> Iterator[AttemptRepository]:
    db = Database.open(tmp_path / "data.sqlite3")
    yield AttemptRepository(db)
    db.close()


def new_attempt(
    attempts: AttemptRepository, question: Question, competency: Competency, text: str | None = ANSWER
) -> int:
    session_id = SessionRepository(attempts.db).create(["default"])
    attempt_id = attempts.create(session_id, question, competency, answer_mode="typed")
    if text is not None:
        attempts.save_transcript(attempt_id, Transcript(text=text, engine="typed"), DeliveryMetrics())
    return attempt_id


@pytest.fixture
def server() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as stub:
        yield stub


def llm_factory(server: OpenAIStubServer) -> tuple[list[LlmScorer], Callable[[ScorerChoice], Scorer]]:
    made: list[LlmScorer] = []

    def factory(choice: ScorerChoice) -> Scorer:
        if choice == "offline":
            return OfflineScorer()
        settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="m")
        scorer = LlmScorer(
            build_openai_client(settings, None), "m", timeout_s=5, max_retries=0, owns_client=True, sleep=lambda _: None
        )
        made.append(scorer)
        return scorer

    return made, factory


def test_offline_score_is_stored_as_current(
    attempts: AttemptRepository, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    service = ScoringService(attempts, scorer_factory(LlmSettings()))  # no LLM configured: auto is offline

    result = service.score_attempt(attempt_id)

    record = attempts.get(attempt_id)
    assert record.status is AttemptStatus.SCORED
    assert record.score == result
    assert result.scorer == "offline"


def test_failure_keeps_the_transcript_and_can_be_retried(
    attempts: AttemptRepository, server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    made, factory = llm_factory(server)
    service = ScoringService(attempts, factory)
    server.script(error_reply(503, "model is loading"))

    with pytest.raises(ScoringError, match="HTTP 503"):
        service.score_attempt(attempt_id, scorer="llm")

    failed = attempts.get(attempt_id)
    assert failed.status is AttemptStatus.SCORING_FAILED
    assert "HTTP 503" in failed.status_reason
    assert failed.transcript is not None
    assert failed.transcript.text == ANSWER
    assert failed.score is None
    assert service.failed_attempt_ids() == [attempt_id]

    server.script(json_reply(score_payload([c.id for c in competency.rubric.criteria], 4)))
    outcomes = service.retry_failed(scorer="llm")

    assert isinstance(outcomes[attempt_id], ScoreResult)
    retried = attempts.get(attempt_id)
    assert retried.status is AttemptStatus.SCORED
    assert retried.score is not None
    assert retried.score.overall == 4.0
    assert service.failed_attempt_ids() == []
    assert all(s.client.is_closed for s in made)


def test_invalid_reply_is_never_stored(
    attempts: AttemptRepository, server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    _, factory = llm_factory(server)
    server.default = json_reply(score_payload([c.id for c in competency.rubric.criteria], 11))
    with pytest.raises(ScoringError, match="outside the scale"):
        ScoringService(attempts, factory).score_attempt(attempt_id, scorer="llm")
    record = attempts.get(attempt_id)
    assert record.status is AttemptStatus.SCORING_FAILED
    assert record.score is None
    count = attempts.db.conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0]
    assert count == 0


def test_offline_score_can_be_rescored_with_the_llm(
    attempts: AttemptRepository, server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    _, factory = llm_factory(server)
    service = ScoringService(attempts, factory)
    offline = service.score_attempt(attempt_id, scorer="offline")
    server.script(json_reply(score_payload([c.id for c in competency.rubric.criteria], 5)))

    rescored = service.score_attempt(attempt_id, scorer="llm")

    record = attempts.get(attempt_id)
    assert record.score == rescored
    assert rescored.scorer == "llm"
    assert offline.scorer == "offline"
    assert [(s.result, s.current) for s in record.scores] == [(offline, False), (rescored, True)]


def test_failed_rescore_leaves_the_earlier_score_current(
    attempts: AttemptRepository, server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    _, factory = llm_factory(server)
    service = ScoringService(attempts, factory)
    earlier = service.score_attempt(attempt_id, scorer="offline")
    server.default = error_reply(500, "down")

    with pytest.raises(ScoringError):
        service.score_attempt(attempt_id, scorer="llm")

    record = attempts.get(attempt_id)
    assert record.status is AttemptStatus.SCORED
    assert record.score == earlier
    assert [(s.result, s.current) for s in record.scores] == [(earlier, True)]


def test_empty_answer_is_recorded_as_not_heard(
    attempts: AttemptRepository, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency, text="Um, uh, so.")
    with pytest.raises(EmptyAnswerError):
        ScoringService(attempts, lambda _: OfflineScorer()).score_attempt(attempt_id)
    record = attempts.get(attempt_id)
    assert record.status is AttemptStatus.SCORING_FAILED
    assert record.status_reason.startswith("No answer was heard")
    assert record.transcript is not None


def test_attempt_without_transcript_is_left_alone(
    attempts: AttemptRepository, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency, text=None)
    with pytest.raises(ScoringError, match="no transcript yet"):
        ScoringService(attempts, lambda _: OfflineScorer()).score_attempt(attempt_id)
    assert attempts.get(attempt_id).status is AttemptStatus.RECORDED


class OverallFromTheModel:
    """A fake scorer that trusts a model's overall score instead of computing it (what the service refuses)."""

    kind = "llm"

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        honest = OfflineScorer().score(question, competency, transcript, metrics)
        return honest.model_copy(update={"overall": 5.0})


def test_a_result_that_does_not_fit_the_rubric_is_refused(
    attempts: AttemptRepository, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    with pytest.raises(ScoringError, match="not the weighted mean"):
        ScoringService(attempts, lambda _: OverallFromTheModel()).score_attempt(attempt_id)
    assert attempts.get(attempt_id).score is None


def test_no_llm_configured_is_an_actionable_failure(
    attempts: AttemptRepository, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    with pytest.raises(ScoringError, match="No LLM is configured") as caught:
        ScoringService(attempts, scorer_factory(LlmSettings())).score_attempt(attempt_id, scorer="llm")
    assert "Settings > LLM" in caught.value.hint
    assert attempts.get(attempt_id).status is AttemptStatus.SCORING_FAILED


def held_reply(release: threading.Event, reply: Reply) -> Callable[[RecordedRequest], Reply]:
    """The server holds its answer until `release` is set: a scoring call still in flight."""

    def respond(request: RecordedRequest) -> Reply:
        release.wait(30)
        return reply

    return respond


def run_in_thread(fn: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(fn())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, name="scoring")
    thread.start()
    return thread, outcome


def patient_llm(server: OpenAIStubServer, cancellation: Cancellation | None = None) -> Callable[[ScorerChoice], Scorer]:
    """The app's own scorer factory (offline or LLM), with a timeout longer than any test waits."""
    llm = LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="m", timeout_s=60, max_retries=0)
    return scorer_factory(llm, cancellation=cancellation)


@pytest.mark.parametrize("late", ["score", "failure"])
def test_a_late_outcome_never_overwrites_a_newer_one(
    tmp_path: Path, server: OpenAIStubServer, question: Question, competency: Competency, late: str
) -> None:
    # Two connections to one file, as the app's workers have: the older call and the newer one.
    older_db, newer_db = Database.open(tmp_path / "data.sqlite3"), Database.open(tmp_path / "data.sqlite3")
    try:
        attempt_id = new_attempt(AttemptRepository(older_db), question, competency)
        release = threading.Event()
        ids = [c.id for c in competency.rubric.criteria]
        reply = json_reply(score_payload(ids, 5)) if late == "score" else error_reply(500, "the model crashed")
        server.script(held_reply(release, reply))
        older = ScoringService(AttemptRepository(older_db), patient_llm(server))
        thread, outcome = run_in_thread(lambda: older.score_attempt(attempt_id, scorer="llm"))
        assert server.wait_for_requests(1)

        newer_service = ScoringService(AttemptRepository(newer_db), patient_llm(server))
        newer = newer_service.score_attempt(attempt_id, scorer="offline")
        release.set()
        thread.join(30)

        (error,) = outcome
        assert isinstance(error, ScoringSupersededError if late == "score" else ScoringError)
        record = AttemptRepository(newer_db).get(attempt_id)
        assert record.status is AttemptStatus.SCORED
        assert record.status_reason == ""
        assert record.score == newer
        assert newer_db.conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 1
    finally:
        older_db.close()
        newer_db.close()


def test_cancelled_scoring_leaves_the_attempt_as_it_was(
    attempts: AttemptRepository, server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    attempt_id = new_attempt(attempts, question, competency)
    server.default = Reply(content="{}", delay_s=60)  # accepts the request and says nothing
    cancellation = Cancellation()
    service = ScoringService(attempts, patient_llm(server, cancellation))
    thread, outcome = run_in_thread(lambda: service.score_attempt(attempt_id, scorer="llm"))
    assert server.wait_for_requests(1)
    cancellation.cancel()
    thread.join(20)
    assert not thread.is_alive()
    (error,) = outcome
    assert isinstance(error, ScoringCancelledError)
    record = attempts.get(attempt_id)
    assert record.status is AttemptStatus.TRANSCRIBED
    assert record.status_reason == ""
