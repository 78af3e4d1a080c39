"""Per-skill statistics from scored attempts: common-scale averages and the weakest skill."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tpm_coach.domain import AttemptRecord, ScoreResult

# Rubrics may use different scales; everything compared across attempts is put on this one.
COMMON_MIN = 1.0
COMMON_MAX = 5.0


def to_common_scale(value: float, scale_min: int, scale_max: int) -> float:
    """A score on its rubric's scale mapped onto 1-5."""
    span = scale_max - scale_min
    fraction = (value - scale_min) / span if span else 0.0
    return COMMON_MIN + (COMMON_MAX - COMMON_MIN) * max(0.0, min(1.0, fraction))


def common_overall(score: ScoreResult) -> float:
    return to_common_scale(score.overall, score.scale_min, score.scale_max)


@dataclass(frozen=True)
class SkillStat:
    competency_id: str
    name: str
    mean: float  # on the common 1-5 scale
    count: int


def skill_stats(records: Iterable[AttemptRecord]) -> dict[str, SkillStat]:
    """Mean overall score per competency over the scored records given."""
    totals: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    for record in records:
        if record.score is None or record.scored_in_part:
            continue
        totals.setdefault(record.competency.id, []).append(common_overall(record.score))
        names[record.competency.id] = record.competency.name
    return {
        cid: SkillStat(cid, names[cid], round(sum(values) / len(values), 2), len(values))
        for cid, values in totals.items()
    }


@dataclass(frozen=True)
class FocusChoice:
    competency_id: str
    name: str
    reason: str


def weakest_skill(records: Sequence[AttemptRecord], allowed: Iterable[str] | None = None) -> FocusChoice | None:
    """The practised skill with the lowest mean score (fewer answers breaks a tie); None without history.

    `allowed` limits the choice to competencies that have questions to ask.
    """
    stats = skill_stats(records)
    if allowed is not None:
        permitted = set(allowed)
        stats = {cid: s for cid, s in stats.items() if cid in permitted}
    if not stats:
        return None
    weakest = min(stats.values(), key=lambda s: (s.mean, s.count, s.competency_id))
    answers = "answer" if weakest.count == 1 else "answers"
    return FocusChoice(
        weakest.competency_id,
        weakest.name,
        f"your weakest skill so far: {weakest.mean:.1f}/5 over {weakest.count} {answers}",
    )
