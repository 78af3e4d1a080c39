"""Domain objects for tests, taken from the built-in bank so they stay valid as the format evolves."""

from __future__ import annotations

from tpm_coach.banks import load_bank
from tpm_coach.domain import Competency, Question
from tpm_coach.paths import default_bank_path


def sample_question(question_id: str | None = None) -> Question:
    bank = load_bank(default_bank_path())
    return next(q for q in bank.questions if question_id in (None, q.id))


def sample_competency(competency_id: str | None = None) -> Competency:
    question = sample_question()
    bank = load_bank(default_bank_path())
    wanted = competency_id or question.competency
    return next(c for c in bank.competencies if c.id == wanted)
