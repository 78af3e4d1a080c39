"""The app's read model of one answer: what was asked, its status, and what it produced so far."""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain.attempt import AttemptStatus, DeliveryMetrics, ScoreResult, Transcript
from tpm_coach.domain.bank import Competency, Question


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
    score: ScoreResult | None
    created_at: str
    parent_attempt_id: int | None
