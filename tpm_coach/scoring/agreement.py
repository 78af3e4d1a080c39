"""How far the app's judge is from a coach: mean absolute difference and quadratic weighted kappa between the
coach's criterion grades and the judge's, per criterion, per skill and over all, each with the count behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from tpm_coach.domain import Competency, ScoreResult
from tpm_coach.scoring.eval_stats import mean_absolute_difference, quadratic_weighted_kappa

ALL = "all"


@dataclass(frozen=True)
class GradedAnswer:
    """One answer graded by both: the coach's grade per criterion and the judge's score."""

    id: str
    competency: Competency
    coach: Mapping[str, int]
    app: ScoreResult


@dataclass(frozen=True)
class Agreement:
    key: str  # "skill/criterion", "skill", or "all"
    label: str
    answers: int  # answers behind the figure
    grades: int  # criterion grades compared
    mean_abs_diff: float | None  # in points of the scale below ("all" over mixed scales: on a common 1-5 scale)
    kappa: float | None  # None when the scales differ or neither side's grades vary
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class AgreementReport:
    answers: int
    criteria: list[Agreement]
    skills: list[Agreement]
    overall: Agreement | None

    def as_dict(self) -> dict[str, object]:
        return {
            "answers": self.answers,
            "criteria": [asdict(a) for a in self.criteria],
            "skills": [asdict(a) for a in self.skills],
            "overall": None if self.overall is None else asdict(self.overall),
        }


@dataclass(frozen=True)
class _Pair:
    answer: str
    coach: int
    app: int
    low: int
    high: int


def agreement_report(graded: Sequence[GradedAnswer]) -> AgreementReport:
    """Compare every criterion both graded; a criterion only one side graded is left out."""
    by_criterion: dict[tuple[str, str], list[_Pair]] = {}
    by_skill: dict[str, list[_Pair]] = {}
    labels: dict[str, str] = {}
    for answer in graded:
        scale = answer.competency.rubric.scale
        labels[answer.competency.id] = answer.competency.name
        app = {c.id: c.score for c in answer.app.criteria}
        for criterion in answer.competency.rubric.criteria:
            if criterion.id not in answer.coach or criterion.id not in app:
                continue
            pair = _Pair(answer.id, answer.coach[criterion.id], app[criterion.id], scale.min, scale.max)
            by_criterion.setdefault((answer.competency.id, criterion.id), []).append(pair)
            by_skill.setdefault(answer.competency.id, []).append(pair)
            labels[f"{answer.competency.id}/{criterion.id}"] = f"{answer.competency.name}: {criterion.name}"
    criteria = [
        _figure(f"{skill}/{crit}", labels[f"{skill}/{crit}"], pairs) for (skill, crit), pairs in by_criterion.items()
    ]
    skills = [_figure(skill, labels[skill], pairs) for skill, pairs in by_skill.items()]
    every = [pair for pairs in by_skill.values() for pair in pairs]
    return AgreementReport(
        answers=len({p.answer for p in every}),
        criteria=sorted(criteria, key=lambda a: a.key),
        skills=sorted(skills, key=lambda a: a.key),
        overall=_figure(ALL, "all criteria", every) if every else None,
    )


def _common(value: int, low: int, high: int) -> float:
    return 1 + 4 * (value - low) / (high - low)


def _figure(key: str, label: str, pairs: list[_Pair]) -> Agreement:
    scales = {(p.low, p.high) for p in pairs}
    if len(scales) == 1:
        [(low, high)] = scales
        coach, app = [p.coach for p in pairs], [p.app for p in pairs]
        difference = mean_absolute_difference(coach, app)
        kappa = quadratic_weighted_kappa(coach, app, low, high)
    else:
        low, high = 1, 5
        difference = mean_absolute_difference(
            [_common(p.coach, p.low, p.high) for p in pairs], [_common(p.app, p.low, p.high) for p in pairs]
        )
        kappa = None
    return Agreement(
        key=key,
        label=label,
        answers=len({p.answer for p in pairs}),
        grades=len(pairs),
        mean_abs_diff=None if difference is None else round(difference, 3),
        kappa=None if kappa is None else round(kappa, 3),
        scale_min=low,
        scale_max=high,
    )


def format_agreement(report: AgreementReport, title: str = "Coach and app") -> str:
    if report.overall is None:
        return f"{title}: no answer is graded by both a coach and the app yet\n"
    lines = [f"{title}: {report.answers} answers graded by both", ""]
    header = f"  {'':38} {'answers':>7} {'grades':>6} {'mean |diff|':>11} {'kappa':>6}"
    for heading, rows in (("Per skill", report.skills), ("Per criterion", report.criteria), ("All", [report.overall])):
        lines += [f"{heading}:", header]
        for row in rows:
            kappa = "  -" if row.kappa is None else f"{row.kappa:6.2f}"
            difference = "-" if row.mean_abs_diff is None else f"{row.mean_abs_diff:.2f}"
            lines.append(f"  {row.label[:38]:38} {row.answers:7d} {row.grades:6d} {difference:>11} {kappa:>6}")
        lines.append("")
    lines.append("kappa: quadratic weighted, 1 = full agreement, 0 = chance; mean |diff| in points of the bank's scale")
    return "\n".join(lines) + "\n"
