"""Choosing a follow-up: aim at the rubric criteria the answer covered least, never at what it covered well.

Without an LLM the probe is the bank's follow-up for the weakest criterion (or, when the bank has none that fits,
a question naming that criterion); `llm_probe` generates one from the candidate's own words instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tpm_coach.domain import Competency, Criterion, Question, ScoreResult
from tpm_coach.scoring.follow_ups import bank_follow_up_for

MAX_PROBED_CRITERIA = 2


@dataclass(frozen=True)
class Probe:
    """A follow-up to ask: its text, the criterion ids it targets, and where it came from."""

    text: str
    criteria: tuple[str, ...]
    source: str  # "bank", "rubric" or "llm"
    quote: str = ""  # the candidate's words an LLM probe builds on
    note: str = ""  # why a generated probe was not used, when it was not


class Prober(Protocol):
    """Chooses the next follow-up for an answer, or None when nothing is weak enough to probe. `exclude` holds
    criteria already probed on this question, which are not asked about twice."""

    def probe(
        self, question: Question, competency: Competency, score: ScoreResult, answer: str, exclude: Sequence[str] = ()
    ) -> Probe | None: ...


def weak_criteria(score: ScoreResult, competency: Competency, exclude: Sequence[str] = ()) -> list[str]:
    """Criteria scored at or below the scale's middle, least covered first (heavier first on a tie), leaving
    out `exclude`."""
    rubric = competency.rubric
    weights = {c.id: c.weight for c in rubric.criteria}
    order = {c.id: i for i, c in enumerate(rubric.criteria)}
    weak = [c for c in score.criteria if c.id in weights and c.id not in exclude and c.score <= rubric.scale.middle]
    weak.sort(key=lambda c: (c.score, -weights[c.id], order[c.id]))
    return [c.id for c in weak]


def covered_criteria(score: ScoreResult, competency: Competency) -> list[str]:
    """Criteria the answer covered well: above the scale's middle. A probe never aims at these."""
    middle = competency.rubric.scale.middle
    return [c.id for c in score.criteria if c.score > middle]


def rubric_probe_text(criterion: Criterion) -> str:
    return f"I'd like to hear more about {criterion.name.lower()} in your approach. How would you handle that here?"


class BankProber:
    """The probe without a model: the bank's follow-up for the weakest criterion, else one naming it."""

    def __init__(self) -> None:
        self._asked: list[str] = []

    def probe(
        self, question: Question, competency: Competency, score: ScoreResult, answer: str, exclude: Sequence[str] = ()
    ) -> Probe | None:
        weak = weak_criteria(score, competency, exclude)
        if not weak:
            return None
        target = weak[0]
        covered = covered_criteria(score, competency)
        text = bank_follow_up_for(question, competency, target, covered=covered, answer=answer, asked=self._asked)
        if text is not None:
            self._asked.append(text)
            return Probe(text, (target,), "bank")
        criterion = next(c for c in competency.rubric.criteria if c.id == target)
        return Probe(rubric_probe_text(criterion), (target,), "rubric")
