"""Scoring a stored attempt: load its transcript and snapshotted rubric, score, store the result or the failure."""

from __future__ import annotations

from collections.abc import Callable

from tpm_coach.domain import AttemptStatus, Competency, ScoreResult
from tpm_coach.errors import KnownError, ScoringCancelledError, ScoringError, ScoringSupersededError
from tpm_coach.redact import redact
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.scoring.overall import overall_score
from tpm_coach.storage import AttemptRepository


class ScoringService:
    """The one place that turns a transcribed attempt into a stored score.

    The transcript is never touched. A failure leaves the attempt `scoring_failed` with the reason (unless it
    already had a score, which stays current), and the attempt can be scored again at any time, with either
    scorer. An outcome is stored only if the attempt is still as it was read before scoring: a slow call
    that ends after a newer scoring stored its outcome changes nothing (ScoringSupersededError for a score).
    Cancelled scoring stores nothing.
    """

    def __init__(self, attempts: AttemptRepository, scorer_factory: Callable[[ScorerChoice], Scorer]) -> None:
        self.attempts = attempts
        self._scorer_factory = scorer_factory

    def score_attempt(self, attempt_id: int, *, scorer: ScorerChoice = "auto") -> ScoreResult:
        record = self.attempts.get(attempt_id)
        if record.transcript is None:
            # Nothing has been heard yet (still recording or transcribing): not a scoring failure.
            raise ScoringError(f"Answer {attempt_id} has no transcript yet", "wait for the transcription to finish")
        try:
            chosen = self._scorer_factory(scorer)
            try:
                result = chosen.score(record.question, record.competency, record.transcript.text, record.metrics)
            finally:
                # An LLM scorer built for this request holds HTTP connections; scorers without any have no close.
                close = getattr(chosen, "close", None)
                if callable(close):
                    close()
            check_result(result, record.competency)
        except ScoringCancelledError:
            raise
        except Exception as exc:  # every failure is recorded here, whatever raised it
            # Re-scoring an answer that already has a valid score must not hide that score behind a failure.
            if record.score is None:
                # Errors are redacted where they are made; this is the second line, as the reason is kept,
                # exported and backed up.
                self.attempts.settle_scoring(attempt_id, record, redact(_reason(exc)))
            raise
        if not self.attempts.settle_scoring(attempt_id, record, result):
            raise ScoringSupersededError(
                f"Answer {attempt_id} was scored again while this scoring was under way; the newer outcome is kept",
                "nothing is lost: the answer shows its latest score or failure",
            )
        return result

    def failed_attempt_ids(self) -> list[int]:
        return [r.id for r in self.attempts.list_by_status(AttemptStatus.SCORING_FAILED)]

    def retry_failed(self, *, scorer: ScorerChoice = "auto") -> dict[int, ScoreResult | ScoringError]:
        """Score every `scoring_failed` attempt again; each outcome is reported, none stops the others."""
        outcomes: dict[int, ScoreResult | ScoringError] = {}
        for attempt_id in self.failed_attempt_ids():
            try:
                outcomes[attempt_id] = self.score_attempt(attempt_id, scorer=scorer)
            except ScoringError as exc:
                outcomes[attempt_id] = exc
        return outcomes


def _reason(exc: Exception) -> str:
    if isinstance(exc, KnownError):
        return str(exc)
    return f"scoring failed unexpectedly ({type(exc).__name__}: {exc})"


def check_result(result: ScoreResult, competency: Competency) -> None:
    """Refuse a result that does not fit the rubric, whichever scorer produced it."""
    rubric = competency.rubric
    if (result.scale_min, result.scale_max) != (rubric.scale.min, rubric.scale.max):
        raise ScoringError(
            f"The {result.scorer} scorer used the scale {result.scale_min}-{result.scale_max}, "
            f"not the rubric's {rubric.scale.min}-{rubric.scale.max}"
        )
    try:
        expected = overall_score(result.criteria, rubric)
    except ValueError as exc:
        raise ScoringError(f"The {result.scorer} scorer returned scores that do not fit the rubric: {exc}") from exc
    if abs(expected - result.overall) > 0.005:
        raise ScoringError(
            f"The {result.scorer} scorer's overall score {result.overall} is not the weighted "
            f"mean of its criteria ({expected})"
        )
