"""The bank's graded sample answers as reference answers for the offline scorer: an answer that reads like a
graded sample moves part of the way towards that sample's grades (nearest neighbours by shared content words).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.domain import Exemplar, ScoreScale
from tpm_coach.scoring.features import content_stems, rounded

# At full likeness, a criterion moves this share of the way from the heuristic's value to the references' grade.
REFERENCE_WEIGHT = 0.5
# Likeness (cosine of content-word sets) below this says nothing: answers to one question share some words anyway.
MIN_LIKENESS = 0.2
FULL_LIKENESS = 0.6


@dataclass(frozen=True)
class Reference:
    exemplar: Exemplar
    stems: frozenset[str]


def references(exemplars: Sequence[Exemplar]) -> list[Reference]:
    return [Reference(e, frozenset(content_stems(e.answer))) for e in exemplars]


def likeness(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / math.sqrt(len(first) * len(second))


def pull_towards_references(
    value: int, criterion_id: str, answer: frozenset[str], refs: Sequence[Reference], scale: ScoreScale
) -> int:
    """`value` moved towards the likeness-weighted grade of the references that graded this criterion."""
    weighted = [
        (likeness(answer, ref.stems), ref.exemplar.grades[criterion_id])
        for ref in refs
        if criterion_id in ref.exemplar.grades
    ]
    weighted = [(w, g) for w, g in weighted if w >= MIN_LIKENESS]
    if not weighted:
        return value
    total = sum(w for w, _ in weighted)
    grade = sum(w * g for w, g in weighted) / total
    strength = min(1.0, (max(w for w, _ in weighted) - MIN_LIKENESS) / (FULL_LIKENESS - MIN_LIKENESS))
    moved = value + REFERENCE_WEIGHT * strength * (grade - value)
    return max(scale.min, min(scale.max, rounded(moved)))
