"""A practice answer whose scoring fails is left `scoring_failed` with the reason, whatever failed, and an
earlier valid score stays current. Real SQLite, banks and offline scorer; `FailingScorer` stands in for a
scorer failing with something other than a ScoringError, which no real scorer can be made to do on cue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.practice_fakes import Harness, make_harness, problems, start
from tpm_coach.domain import AttemptStatus, Competency, DeliveryMetrics, Question, ScoreResult
from tpm_coach.errors import ConfigError, EmptyAnswerError
from tpm_coach.practice import Action, Phase
from tpm_coach.scoring import OfflineScorer, Scorer
from tpm_coach.scoring.base import ScorerChoice


class FailingScorer:
    kind = "llm"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        raise self.error


def harness(tmp_path: Path, error: Exception) -> Harness:
    """The offline scorer when asked for it by name; otherwise a scorer that fails with `error`."""

    def scorers(choice: ScorerChoice) -> Scorer:
        return OfflineScorer() if choice == "offline" else FailingScorer(error)

    return make_harness(tmp_path, scorers=scorers)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            ConfigError("the LLM settings file is invalid", "fix it in Settings > LLM"),
            "the LLM settings file is invalid",
        ),
        (RuntimeError("index out of range"), "RuntimeError: index out of range"),
    ],
)
def test_a_failure_that_is_not_a_scoring_error_is_stored_on_the_answer(
    tmp_path: Path, error: Exception, reason: str
) -> None:
    h = harness(tmp_path, error)
    start(h)
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    assert h.controller.phase is Phase.SCORING_FAILED
    assert problems(h)[-1].problem.error is error
    record = h.controller.record
    assert record is not None
    stored = h.attempts.get(record.id)
    assert stored.status is AttemptStatus.SCORING_FAILED
    assert reason in stored.status_reason
    assert record == stored  # what the view shows is what the failure left

    h.controller.score_offline()
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert h.attempts.get(record.id).status is AttemptStatus.SCORED


def test_a_failed_rescore_keeps_the_earlier_score_current(tmp_path: Path) -> None:
    h = harness(tmp_path, RuntimeError("the scorer broke"))
    start(h)
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    h.controller.score_offline()
    h.runner.drain()
    attempt_id = h.controller.attempt_id or 0
    earlier = h.attempts.get(attempt_id)
    assert earlier.status is AttemptStatus.SCORED

    with pytest.raises(RuntimeError):
        h.controller.services.score_attempt(attempt_id, "llm")
    after = h.attempts.get(attempt_id)
    assert after.status is AttemptStatus.SCORED
    assert after.status_reason == ""
    assert after.score == earlier.score


def test_an_empty_answer_is_recorded_by_the_scoring_service_and_offers_answering_again(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.submit_typed("I am not sure.")
    h.runner.drain()
    assert h.controller.phase is Phase.SCORING_FAILED
    raised = problems(h)[-1].problem
    assert isinstance(raised.error, EmptyAnswerError)
    assert raised.actions == (Action.RECORD_AGAIN, Action.TYPE_ANSWER)
    stored = h.attempts.get(h.controller.attempt_id or 0)
    assert stored.status is AttemptStatus.SCORING_FAILED
    assert stored.status_reason == str(raised.error)


def test_the_scoring_job_records_the_failure_without_the_controller(tmp_path: Path) -> None:
    """Finishing answers left from last time (recovery, review) scores through the same job."""
    h = harness(tmp_path, RuntimeError("the scorer broke"))
    start(h)
    session_id = h.controller.session_id or 0
    turn = h.controller.turn
    assert turn is not None
    attempt_id = h.attempts.create(session_id, turn.question, turn.competency, answer_mode="typed")
    transcript = h.mic.transcript()
    h.attempts.save_transcript(attempt_id, transcript, h.controller.services.delivery_metrics(transcript))

    with pytest.raises(RuntimeError):
        h.controller.services.score_attempt(attempt_id, "auto")
    stored = h.attempts.get(attempt_id)
    assert stored.status is AttemptStatus.SCORING_FAILED
    assert "RuntimeError: the scorer broke" in stored.status_reason


@pytest.mark.parametrize(("provider", "loads_openai"), [("ollama", True), ("offline", False)])
def test_the_answer_path_is_imported_ahead_of_the_first_answer(provider: str, loads_openai: bool) -> None:
    # A fresh interpreter: this one has imported everything already.
    code = (
        "import sys\n"
        "from tpm_coach.config import LlmProvider, LlmSettings, Settings\n"
        "from tpm_coach.practice.wiring import preload_answer_path\n"
        "assert 'openai' not in sys.modules and 'tpm_coach.audio.recorder' not in sys.modules\n"
        f"preload_answer_path(Settings(llm=LlmSettings(provider=LlmProvider('{provider}'))))\n"
        "print('openai' in sys.modules, 'tpm_coach.audio.recorder' in sys.modules,"
        " 'tpm_coach.transcription.incremental' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(loads_openai), "True", "True"]
