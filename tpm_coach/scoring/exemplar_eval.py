"""Measuring what a bank's exemplars do to a judge: coach-graded answers from an eval file become exemplars of
their questions, and held-back coach-graded answers are scored with and without them (see docs/coach.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tpm_coach.domain import Competency, Exemplar, Question
from tpm_coach.errors import KnownError
from tpm_coach.scoring.eval import BankLookup, EvalFile


def exemplars_by_question(files: Iterable[EvalFile]) -> dict[str, list[Exemplar]]:
    """Every answer that names its question by id and carries coach grades, as an exemplar of that question."""
    found: dict[str, list[Exemplar]] = {}
    for data in files:
        for answer in data.answers:
            if answer.question is not None and answer.grades:
                exemplar = Exemplar(answer=answer.answer, grades=answer.grades, note=answer.why, source=answer.id)
                found.setdefault(answer.question, []).append(exemplar)
    if not found:
        raise KnownError(
            "no answer in the exemplar files names its question by id and carries coach grades",
            "give each exemplar `question: <id>` and `grades`",
        )
    return found


class WithExemplars:
    """A bank lookup whose questions carry extra exemplars, as if the bank's author had attached them."""

    def __init__(self, lookup: BankLookup, exemplars: Mapping[str, list[Exemplar]]) -> None:
        self.lookup = lookup
        self.exemplars = exemplars

    def question(self, question_id: str) -> Question:
        question = self.lookup.question(question_id)
        extra = self.exemplars.get(question_id, [])
        return question.model_copy(update={"exemplars": [*question.exemplars, *extra]}) if extra else question

    def competency(self, competency_id: str) -> Competency:
        return self.lookup.competency(competency_id)

    def competency_for(self, question: Question) -> Competency:
        return self.lookup.competency_for(question)
