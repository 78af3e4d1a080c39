"""Which questions a session asks: filters over the active banks, or a focus on the weakest skill."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import AttemptRecord, Level, Question, QuestionKind
from tpm_coach.errors import KnownError
from tpm_coach.practice.skills import weakest_skill

MAX_QUESTIONS = 20


@dataclass(frozen=True)
class SessionOptions:
    """What the candidate asked for; empty filters mean "any"."""

    bank_ids: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    kinds: tuple[QuestionKind, ...] = ()
    levels: tuple[Level, ...] = ()
    count: int = 3
    focus_weakest: bool = False


@dataclass(frozen=True)
class SessionPlan:
    questions: tuple[Question, ...]
    bank_ids: tuple[str, ...]
    focus_competency: str | None = None
    note: str = ""

    def __len__(self) -> int:
        return len(self.questions)


def _candidates(library: BankLibrary, options: SessionOptions, competencies: Sequence[str]) -> list[Question]:
    questions = library.questions(competencies or None, options.kinds or None, options.levels or None)
    if options.bank_ids:
        allowed = {q.id for bank_id in options.bank_ids for q in library.get(bank_id).bank.questions}
        questions = [q for q in questions if q.id in allowed]
    return questions


def _order(questions: list[Question], history: Sequence[AttemptRecord], rng: random.Random) -> list[Question]:
    """Questions never answered first, then the ones answered longest ago; random within a group."""
    last_seen: dict[str, str] = {}
    for record in history:
        stamp = last_seen.get(record.question.id, "")
        last_seen[record.question.id] = max(stamp, record.created_at)
    shuffled = list(questions)
    rng.shuffle(shuffled)
    # sorted() is stable, so the shuffle survives within questions of equal recency.
    return sorted(shuffled, key=lambda q: last_seen.get(q.id, ""))


def build_plan(
    library: BankLibrary,
    options: SessionOptions,
    history: Sequence[AttemptRecord] = (),
    rng: random.Random | None = None,
) -> SessionPlan:
    """Pick `options.count` questions. `history` (scored attempts) drives weakest-skill focus and freshness.

    Raises KnownError when nothing matches, naming what to widen.
    """
    if not 1 <= options.count <= MAX_QUESTIONS:
        raise KnownError(f"a session has 1 to {MAX_QUESTIONS} questions, not {options.count}")
    rng = rng or random.Random()
    bank_ids = options.bank_ids or tuple(b.id for b in library.active_banks())
    competencies: tuple[str, ...] = options.competencies
    focus: str | None = None
    note = ""
    if options.focus_weakest:
        available = {q.competency for q in _candidates(library, options, competencies)}
        choice = weakest_skill(history, allowed=available)
        if choice is None:
            note = "No scored answers yet, so there is no weakest skill to focus on: questions cover every skill."
        else:
            focus = choice.competency_id
            competencies = (choice.competency_id,)
            note = f"Focusing on {choice.name}, {choice.reason}."
    questions = _candidates(library, options, competencies)
    if not questions:
        raise KnownError(
            "no questions match these choices",
            "choose more skills, kinds or levels, or activate another question bank in Settings",
        )
    chosen = _order(questions, history, rng)[: options.count]
    if len(chosen) < options.count:
        note = (note + " " if note else "") + f"Only {len(chosen)} questions match, so the session is shorter."
    return SessionPlan(tuple(chosen), tuple(bank_ids), focus, note)
