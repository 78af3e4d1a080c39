"""Turning a reviewed answer into a bank exemplar: the transcript with the coach's grades, attached to the
answer's question (or its competency) in one of the user's banks."""

from __future__ import annotations

from typing import Literal

from pydantic import ValidationError

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import AttemptRecord, Bank, CoachReview, Exemplar
from tpm_coach.errors import CoachReviewError, KnownError

Target = Literal["question", "competency"]
MAX_PER_ITEM = 5


def exemplar_from_review(record: AttemptRecord, review: CoachReview) -> Exemplar:
    if record.transcript is None or not record.transcript.text.strip():
        raise CoachReviewError(f"answer {record.id} has no transcript to use as an exemplar")
    known = {c.id for c in record.competency.rubric.criteria}
    grades = {g.criterion: g.score for g in review.grades if g.criterion in known}
    if not grades:
        raise CoachReviewError(
            f"answer {record.id} has no coach grades yet", "grade at least one criterion, then add it as an exemplar"
        )
    try:
        return Exemplar(
            answer=record.transcript.text,
            grades=grades,
            note=review.note[:2000],
            source=f"{review.coach or 'a coach'}, review of answer {record.id}"[:200],
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise CoachReviewError(
            f"answer {record.id} cannot be an exemplar: {first['loc'][0]}: {first['msg']}",
            "an exemplar's answer is at most 4000 characters",
        ) from exc


def with_exemplar(bank: Bank, record: AttemptRecord, exemplar: Exemplar, target: Target) -> Bank:
    """A copy of `bank` with the exemplar added to the answer's question or competency, which the bank must hold."""
    if target == "question":
        # A duplicated bank renames its questions (`mine.plan-001`), so the same wording also identifies one.
        question = next((q for q in bank.questions if q.id == record.question.id), None) or next(
            (q for q in bank.questions if q.text == record.question.text), None
        )
        if question is None:
            raise KnownError(
                f"the bank '{bank.id}' has no question '{record.question.id}'",
                "choose the bank that holds the question, or attach the exemplar to its competency",
            )
        _room(question.exemplars, f"question '{question.id}'")
        updated = question.model_copy(update={"exemplars": [*question.exemplars, exemplar]})
        questions = [updated if q.id == question.id else q for q in bank.questions]
        return Bank.model_validate({**bank.model_dump(), "questions": [q.model_dump() for q in questions]})
    competency = bank.competency(record.competency.id)
    if competency is None:
        raise KnownError(
            f"the bank '{bank.id}' has no competency '{record.competency.id}'",
            "choose the bank that defines it (duplicate the built-in bank to customise its skills)",
        )
    _room(competency.exemplars, f"competency '{competency.id}'")
    changed = competency.model_copy(update={"exemplars": [*competency.exemplars, exemplar]})
    competencies = [changed if c.id == competency.id else c for c in bank.competencies]
    return Bank.model_validate({**bank.model_dump(), "competencies": [c.model_dump() for c in competencies]})


def _room(existing: list[Exemplar], where: str) -> None:
    if len(existing) >= MAX_PER_ITEM:
        raise KnownError(f"{where} already has {MAX_PER_ITEM} exemplars", "remove one in the bank file first")


def add_exemplar(
    library: BankLibrary, bank_id: str, record: AttemptRecord, review: CoachReview, target: Target
) -> Bank:
    """Save the reviewed answer as an exemplar in the user's bank `bank_id` (the built-in bank is read-only)."""
    bank = with_exemplar(library.get(bank_id).bank, record, exemplar_from_review(record, review), target)
    library.save(bank)
    return bank
