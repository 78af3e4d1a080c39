"""The app's read model of one answer: what was asked, its status, and what it produced so far."""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain.attempt import AttemptStatus, DeliveryMetrics, ScoreResult, Transcript
from tpm_coach.domain.bank import Competency, Question


@dataclass(frozen=True)
class StoredScore:
    """One score an answer was given, kept whether or not it is the one shown."""

    id: int
    result: ScoreResult
    created_at: str
    current: bool


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    session_id: int
    question: Question
    competency: Competency
    status: AttemptStatus
    status_reason: str
    answer_mode: str
    audio_path: str | None
    duration_s: float | None
    transcript: Transcript | None
    metrics: DeliveryMetrics | None
    score: ScoreResult | None  # the current score: what History, Progress and reports use
    created_at: str
    parent_attempt_id: int | None
    scores: tuple[StoredScore, ...] = ()  # every score the answer was given, oldest first, `score` among them

    @property
    def scored_in_part(self) -> bool:
        """True for an interview follow-up scored only on the criteria it probed: its overall is not a whole
        answer's (the parent answer's score already carries what it showed), so whole-answer averages skip it."""
        if self.score is None:
            return False
        return {c.id for c in self.score.criteria} != {c.id for c in self.competency.rubric.criteria}

    @property
    def earlier_scores(self) -> list[StoredScore]:
        """The kept scores that are not current, newest first."""
        return [s for s in reversed(self.scores) if not s.current]
