"""Progress over time from scored attempts: per-skill series, per-session averages, weakest criteria and skill.

Every score is put on the common 1-5 scale first, so banks with different rubric scales compare. The practice
flow's focus mode asks `weakest_competency(attempts, candidates)` which skill to drill next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from tpm_coach.domain import AttemptRecord, ScoreResult
from tpm_coach.practice.skills import COMMON_MAX, COMMON_MIN, common_overall, to_common_scale

__all__ = [
    "COMMON_MAX",
    "COMMON_MIN",
    "CriterionStat",
    "ProgressReport",
    "SessionSkillAverage",
    "SkillPoint",
    "SkillSeries",
    "SkillStanding",
    "common_overall",
    "criterion_stats",
    "progress_report",
    "session_skill_averages",
    "session_trends",
    "skill_series",
    "skill_standings",
    "to_common_scale",
    "weakest_competency",
    "weakest_criteria",
]

DEFAULT_RECENT = 5


def attempt_time(attempt: AttemptRecord) -> datetime:
    """When the answer was given, as an aware datetime (stored timestamps are UTC ISO-8601)."""
    return datetime.fromisoformat(attempt.created_at)


def _scored(attempts: Iterable[AttemptRecord]) -> list[tuple[AttemptRecord, ScoreResult]]:
    """Attempts that carry a whole answer's score, oldest first."""
    pairs = [(a, a.score) for a in attempts if a.score is not None and not a.scored_in_part]
    pairs.sort(key=lambda pair: (pair[0].created_at, pair[0].id))
    return pairs


# -- per skill over time -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillPoint:
    attempt_id: int
    session_id: int
    at: datetime
    score: float  # 1-5


@dataclass(frozen=True)
class SkillSeries:
    competency_id: str
    name: str
    points: list[SkillPoint]

    @property
    def mean(self) -> float:
        return fmean(p.score for p in self.points)

    def recent_mean(self, count: int = DEFAULT_RECENT) -> float:
        return fmean(p.score for p in self.points[-count:])


def skill_series(attempts: Iterable[AttemptRecord]) -> list[SkillSeries]:
    """One series per skill with a point per scored answer, oldest first; series ordered by skill name."""
    points: dict[str, list[SkillPoint]] = defaultdict(list)
    names: dict[str, str] = {}
    for attempt, score in _scored(attempts):
        cid = attempt.competency.id
        # The newest snapshot's name wins, so a renamed skill shows under its current name.
        names[cid] = attempt.competency.name
        points[cid].append(SkillPoint(attempt.id, attempt.session_id, attempt_time(attempt), common_overall(score)))
    return sorted(
        (SkillSeries(cid, names[cid], pts) for cid, pts in points.items()),
        key=lambda s: (s.name.lower(), s.competency_id),
    )


@dataclass(frozen=True)
class SessionSkillAverage:
    session_id: int
    at: datetime  # the session's first scored answer on this skill
    competency_id: str
    name: str
    mean: float  # 1-5
    count: int


def session_skill_averages(attempts: Iterable[AttemptRecord]) -> list[SessionSkillAverage]:
    """The mean score per (session, skill), ordered by time: one chart point per session and skill."""
    groups: dict[tuple[int, str], list[tuple[AttemptRecord, ScoreResult]]] = defaultdict(list)
    for attempt, score in _scored(attempts):
        groups[(attempt.session_id, attempt.competency.id)].append((attempt, score))
    out = [
        SessionSkillAverage(
            session_id=session_id,
            at=attempt_time(pairs[0][0]),
            competency_id=cid,
            name=pairs[-1][0].competency.name,
            mean=fmean(common_overall(s) for _, s in pairs),
            count=len(pairs),
        )
        for (session_id, cid), pairs in groups.items()
    ]
    out.sort(key=lambda avg: (avg.at, avg.session_id, avg.competency_id))
    return out


def session_trends(averages: Iterable[SessionSkillAverage]) -> dict[str, float]:
    """Per skill practised in two sessions or more: its latest session's mean minus the session's before.

    Sessions, not answers, because a candidate reads progress from one sitting to the next; a skill seen in a
    single session has no trend yet.
    """
    means: dict[str, list[float]] = defaultdict(list)
    for avg in sorted(averages, key=lambda a: (a.at, a.session_id)):
        means[avg.competency_id].append(avg.mean)
    return {cid: round(m[-1] - m[-2], 2) for cid, m in means.items() if len(m) >= 2}


# -- standing per skill, and the weakest one ---------------------------------------------------------------------


@dataclass(frozen=True)
class SkillStanding:
    competency_id: str
    name: str
    count: int
    mean: float
    recent_mean: float  # the last `recent` answers
    trend: float | None  # recent mean minus the mean of the answers before them; None without earlier answers
    last_at: datetime


def skill_standings(attempts: Iterable[AttemptRecord], recent: int = DEFAULT_RECENT) -> list[SkillStanding]:
    """Per skill: how many answers, the mean, the recent mean and the trend; weakest (recent mean) first."""
    if recent < 1:
        raise ValueError("recent must be at least 1")
    standings = []
    for series in skill_series(attempts):
        scores = [p.score for p in series.points]
        earlier = scores[:-recent]
        recent_mean = fmean(scores[-recent:])
        standings.append(
            SkillStanding(
                competency_id=series.competency_id,
                name=series.name,
                count=len(scores),
                mean=fmean(scores),
                recent_mean=recent_mean,
                trend=recent_mean - fmean(earlier) if earlier else None,
                last_at=series.points[-1].at,
            )
        )
    standings.sort(key=lambda s: (s.recent_mean, s.count, s.competency_id))
    return standings


def weakest_competency(
    attempts: Iterable[AttemptRecord],
    candidates: Sequence[str] | None = None,
    *,
    recent: int = DEFAULT_RECENT,
    untried_first: bool = True,
) -> str | None:
    """The competency id focus mode should drill next, or None when there is nothing to choose from.

    Skills are compared by the mean of their last `recent` scored answers, so improvement counts. With
    `candidates` (e.g. the competencies of the active banks) only those are considered, and one never scored
    yet is chosen first when `untried_first` is set: an untested skill is the biggest unknown. Ties go to the
    skill with fewer answers, then to the candidates' order (or the id).
    """
    standings = {s.competency_id: s for s in skill_standings(attempts, recent)}
    pool = list(dict.fromkeys(candidates)) if candidates is not None else sorted(standings)
    if not pool:
        return None
    untried = [cid for cid in pool if cid not in standings]
    if untried and (untried_first or len(untried) == len(pool)):
        return untried[0]
    tried = [cid for cid in pool if cid in standings]
    order = {cid: i for i, cid in enumerate(pool)}
    return min(tried, key=lambda cid: (standings[cid].recent_mean, standings[cid].count, order[cid]))


# -- criteria ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionStat:
    competency_id: str
    competency_name: str
    criterion_id: str
    criterion_name: str
    mean: float  # 1-5
    count: int
    recent_mean: float
    last_at: datetime


def criterion_stats(attempts: Iterable[AttemptRecord], recent: int = DEFAULT_RECENT) -> list[CriterionStat]:
    """Every (skill, criterion) ever scored with its mean on 1-5, weakest first."""
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    names: dict[tuple[str, str], tuple[str, str]] = {}
    last: dict[tuple[str, str], datetime] = {}
    for attempt, score in _scored(attempts):
        competency = attempt.competency
        criterion_names = {c.id: c.name for c in competency.rubric.criteria}
        for criterion in score.criteria:
            key = (competency.id, criterion.id)
            values[key].append(to_common_scale(criterion.score, score.scale_min, score.scale_max))
            names[key] = (competency.name, criterion_names.get(criterion.id, criterion.id))
            last[key] = attempt_time(attempt)
    stats = [
        CriterionStat(
            competency_id=key[0],
            competency_name=names[key][0],
            criterion_id=key[1],
            criterion_name=names[key][1],
            mean=fmean(scores),
            count=len(scores),
            recent_mean=fmean(scores[-recent:]),
            last_at=last[key],
        )
        for key, scores in values.items()
    ]
    stats.sort(key=lambda s: (s.mean, -s.count, s.competency_id, s.criterion_id))
    return stats


def weakest_criteria(
    attempts: Iterable[AttemptRecord], limit: int = 5, *, min_count: int = 1, recent: int = DEFAULT_RECENT
) -> list[CriterionStat]:
    """The `limit` criteria with the lowest mean across history, among those scored at least `min_count` times."""
    return [s for s in criterion_stats(attempts, recent) if s.count >= min_count][:limit]


@dataclass(frozen=True)
class ProgressReport:
    """Everything the progress view shows, computed in one pass off the GUI thread."""

    series: list[SkillSeries]
    session_averages: list[SessionSkillAverage]
    standings: list[SkillStanding]
    weakest: list[CriterionStat]
    answer_count: int
    trends: dict[str, float]  # competency id -> change since the session before (see session_trends)


def progress_report(attempts: Sequence[AttemptRecord], weakest_limit: int = 8) -> ProgressReport:
    averages = session_skill_averages(attempts)
    return ProgressReport(
        series=skill_series(attempts),
        session_averages=averages,
        trends=session_trends(averages),
        standings=skill_standings(attempts),
        weakest=weakest_criteria(attempts, weakest_limit),
        answer_count=sum(1 for a in attempts if a.score is not None),
    )
