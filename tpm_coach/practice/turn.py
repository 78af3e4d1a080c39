"""One turn of a session: the question being answered, and how it relates to earlier answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tpm_coach.domain import Competency, Question

_ID_LIMIT = 64


class TurnKind(StrEnum):
    QUESTION = "question"
    FOLLOW_UP = "follow_up"
    RETRY = "retry"


@dataclass(frozen=True)
class Turn:
    question: Question
    competency: Competency
    kind: TurnKind = TurnKind.QUESTION
    parent_attempt_id: int | None = None
    follow_up_depth: int = 0  # how many follow-ups deep into the plan's question

    @property
    def time_limit_s(self) -> int | None:
        return self.question.time_limit_s


def follow_up_question(question: Question, text: str, depth: int) -> Question:
    """The follow-up asked as a question of its own, scored with the same rubric and outline.

    The id marks it as a follow-up so progress by question keeps the two apart.
    """
    suffix = f".follow-up-{depth}"
    base = question.id.split(".follow-up-")[0]
    return question.model_copy(update={"id": base[: _ID_LIMIT - len(suffix)] + suffix, "text": text, "follow_ups": []})


def next_follow_up(question: Question, suggested: str, asked: int) -> str | None:
    """The scorer's suggested follow-up when there is one, else the bank's next unasked follow-up."""
    if suggested.strip():
        return suggested.strip()
    if asked < len(question.follow_ups):
        return question.follow_ups[asked]
    return None
