"""The end-of-session report: skills this session against history, what to work on next, speaking time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tpm_coach.domain import AttemptRecord, AttemptStatus
from tpm_coach.practice.skills import skill_stats, to_common_scale

FOCUS_COUNT = 3


@dataclass(frozen=True)
class SkillLine:
    competency_id: str
    name: str
    session_mean: float  # common 1-5 scale
    session_count: int
    history_mean: float | None  # earlier sessions only
    history_count: int

    @property
    def change(self) -> float | None:
        return None if self.history_mean is None else round(self.session_mean - self.history_mean, 2)


@dataclass(frozen=True)
class CriterionFocus:
    competency_name: str
    criterion_name: str
    score: float  # mean on the rubric's own scale
    scale_max: int
    next_level: str  # the anchor text one step up: what a better answer sounds like


@dataclass(frozen=True)
class AnswerLine:
    """One answer of the session as the summary lists it, with the attempt id its feedback opens from."""

    attempt_id: int
    question: str
    competency_name: str
    score: str  # "3.5 / 5", or why there is none ("not scored")


@dataclass(frozen=True)
class SessionReport:
    session_id: int
    answered: int
    scored: int
    unscored: int
    speaking_time_s: float
    skills: list[SkillLine]
    focus: list[CriterionFocus]
    answers: list[AnswerLine] = field(default_factory=list)
    practise_next: SkillLine | None = None  # the weakest skill this session: what "Practise this next" starts


def _answer_line(record: AttemptRecord) -> AnswerLine:
    score = record.score
    shown = f"{score.overall:.1f} / {score.scale_max}" if score is not None else "not scored"
    return AnswerLine(record.id, record.question.text, record.competency.name, shown)


def _focus(records: Sequence[AttemptRecord]) -> list[CriterionFocus]:
    """Criteria ranked by weighted room to grow, so a heavy criterion at 3/5 beats a light one at 3/5."""
    gathered: dict[tuple[str, str], list[int]] = {}
    owners: dict[tuple[str, str], AttemptRecord] = {}
    for record in records:
        if record.score is None:
            continue
        for criterion in record.score.criteria:
            key = (record.competency.id, criterion.id)
            gathered.setdefault(key, []).append(criterion.score)
            owners[key] = record
    ranked: list[tuple[float, CriterionFocus]] = []
    for key, scores in gathered.items():
        record = owners[key]
        rubric = record.competency.rubric
        definition = next((c for c in rubric.criteria if c.id == key[1]), None)
        if definition is None:
            continue
        mean = sum(scores) / len(scores)
        room = 1.0 - (to_common_scale(mean, rubric.scale.min, rubric.scale.max) - 1.0) / 4.0
        if room <= 0:
            continue
        weight_share = definition.weight / rubric.total_weight
        above = [k for k in sorted(definition.anchors) if k > mean]
        target = above[0] if above else rubric.scale.max
        ranked.append(
            (
                room * weight_share,
                CriterionFocus(
                    record.competency.name,
                    definition.name,
                    round(mean, 1),
                    rubric.scale.max,
                    definition.anchors[target],
                ),
            )
        )
    ranked.sort(key=lambda item: (-item[0], item[1].competency_name, item[1].criterion_name))
    return [focus for _, focus in ranked[:FOCUS_COUNT]]


def build_report(session_id: int, session: Sequence[AttemptRecord], history: Sequence[AttemptRecord]) -> SessionReport:
    """`session` holds this session's attempts; `history` any scored attempts (this session's are ignored)."""
    earlier = [r for r in history if r.session_id != session_id]
    now = skill_stats(session)
    before = skill_stats(earlier)
    skills = [
        SkillLine(
            cid,
            stat.name,
            stat.mean,
            stat.count,
            before[cid].mean if cid in before else None,
            before[cid].count if cid in before else 0,
        )
        for cid, stat in sorted(now.items(), key=lambda item: item[1].name)
    ]
    spoken = sum(r.duration_s or 0.0 for r in session if r.answer_mode == "spoken")
    scored = sum(1 for r in session if r.status is AttemptStatus.SCORED)
    return SessionReport(
        session_id=session_id,
        answered=len(session),
        scored=scored,
        unscored=len(session) - scored,
        speaking_time_s=round(spoken, 1),
        skills=skills,
        focus=_focus(session),
        answers=[_answer_line(r) for r in session],
        practise_next=min(skills, key=lambda s: (s.session_mean, s.name), default=None),
    )
