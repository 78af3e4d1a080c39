"""The overall score: the weighted mean of the criterion scores, always computed here, never by a model."""

from __future__ import annotations

from collections.abc import Sequence

from tpm_coach.domain import CriterionScore, Rubric


def overall_score(criteria: Sequence[CriterionScore], rubric: Rubric) -> float:
    """Weighted mean using the rubric's weights, rounded to two decimals.

    Every rubric criterion must be scored exactly once and on the scale; anything else is a defect in the
    caller, because invalid replies are rejected before they get here.
    """
    weights = {c.id: c.weight for c in rubric.criteria}
    seen = [c.id for c in criteria]
    if sorted(seen) != sorted(weights):
        raise ValueError(f"criteria {sorted(seen)} do not match the rubric's {sorted(weights)}")
    for c in criteria:
        if not rubric.scale.contains(c.score):
            raise ValueError(f"criterion '{c.id}' score {c.score} is outside {rubric.scale.min}-{rubric.scale.max}")
    total = sum(weights.values())
    return round(sum(c.score * weights[c.id] for c in criteria) / total, 2)
