"""Plain data of the app: question banks with rubrics, and what an attempt produces."""

from tpm_coach.domain.attempt import (
    AttemptStatus,
    CriterionScore,
    DeliveryMetrics,
    Evidence,
    ScoreResult,
    StarCheck,
    Transcript,
    Word,
)
from tpm_coach.domain.bank import (
    BANK_FORMAT_VERSION,
    Bank,
    Competency,
    Criterion,
    Exemplar,
    Level,
    Question,
    QuestionKind,
    Rubric,
    ScoreScale,
)
from tpm_coach.domain.coach import CoachGrade, CoachReview, SpanComment, review_problems
from tpm_coach.domain.record import AttemptRecord, StoredScore

__all__ = [
    "BANK_FORMAT_VERSION",
    "AttemptRecord",
    "AttemptStatus",
    "Bank",
    "CoachGrade",
    "CoachReview",
    "Competency",
    "Criterion",
    "CriterionScore",
    "DeliveryMetrics",
    "Evidence",
    "Exemplar",
    "Level",
    "Question",
    "QuestionKind",
    "Rubric",
    "ScoreResult",
    "ScoreScale",
    "SpanComment",
    "StarCheck",
    "StoredScore",
    "Transcript",
    "Word",
    "review_problems",
]
