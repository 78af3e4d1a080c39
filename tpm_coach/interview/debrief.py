"""The debrief: a hiring signal per skill against the level's bar by the rule in docs/interview.md, each backed
by the candidate's own words, the moments that moved the decision, and what to practise next."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tpm_coach.domain import ScoreResult
from tpm_coach.interview.outcomes import QuestionOutcome, TurnOutcome
from tpm_coach.language.sentences import split_sentences
from tpm_coach.practice.skills import common_overall, to_common_scale

# How far from the bar (common 1-5 scale) a skill's mean must be for a strong signal either way.
STRONG_MARGIN = 0.75
MAX_QUOTES = 3
MAX_MOMENTS = 3


class Signal(StrEnum):
    STRONG_NO_HIRE = "strong_no_hire"
    LEAN_NO_HIRE = "lean_no_hire"
    LEAN_HIRE = "lean_hire"
    STRONG_HIRE = "strong_hire"

    @property
    def step(self) -> int:
        return _STEPS.index(self)

    @property
    def hires(self) -> bool:
        return self in (Signal.LEAN_HIRE, Signal.STRONG_HIRE)


_STEPS = [Signal.STRONG_NO_HIRE, Signal.LEAN_NO_HIRE, Signal.LEAN_HIRE, Signal.STRONG_HIRE]


def signal_for(mean: float, bar: float, *, bottom_criterion: bool = False) -> Signal:
    """The rule: at or above bar + margin strong hire, at or above the bar lean hire, at or above bar - margin
    lean no hire, below that strong no hire. A criterion left at the bottom of its scale (after follow-ups)
    holds a strong hire back to lean hire: a clear gap is not outweighed by the rest."""
    if mean >= bar + STRONG_MARGIN:
        return Signal.LEAN_HIRE if bottom_criterion else Signal.STRONG_HIRE
    if mean >= bar:
        return Signal.LEAN_HIRE
    if mean >= bar - STRONG_MARGIN:
        return Signal.LEAN_NO_HIRE
    return Signal.STRONG_NO_HIRE


def overall_verdict(signals: Sequence[Signal]) -> Signal | None:
    """The mean step of the skills' signals, rounded down; one strong no hire keeps the verdict below hire."""
    if not signals:
        return None
    step = math.floor(sum(s.step for s in signals) / len(signals))
    if Signal.STRONG_NO_HIRE in signals:
        step = min(step, Signal.LEAN_NO_HIRE.step)
    return _STEPS[step]


@dataclass(frozen=True)
class SkillSignal:
    skill: str
    name: str
    signal: Signal
    mean: float  # common 1-5 scale, over the skill's questions as updated by their follow-ups
    answers: int
    evidence: tuple[str, ...]
    weak_criteria: tuple[str, ...]  # names of criteria at or below the middle after follow-ups


@dataclass(frozen=True)
class Moment:
    turn_index: int
    skill: str
    kind: str
    question: str
    quote: str
    effect: str
    weight: float


@dataclass(frozen=True)
class PractiseNext:
    skill: str
    name: str
    reason: str


@dataclass(frozen=True)
class Debrief:
    level: str
    bar: float
    verdict: Signal | None
    skills: tuple[SkillSignal, ...]
    moments: tuple[Moment, ...]
    practise_next: tuple[PractiseNext, ...]
    not_assessed: tuple[str, ...]


def _has_bottom(score: ScoreResult) -> bool:
    return any(c.score <= score.scale_min for c in score.criteria)


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0].text.strip() if sentences else text.strip()[:200]


def _quotes(outcomes: Sequence[QuestionOutcome], hires: bool) -> tuple[str, ...]:
    """The candidate's words behind the signal: evidence of the best-scored criteria for a hire signal, of the
    weakest for a no-hire one; an answer's opening sentence when no criterion cited any."""
    cited: list[tuple[int, str]] = []
    for outcome in outcomes:
        if outcome.final is None:
            continue
        for criterion in outcome.final.criteria:
            cited += [(criterion.score, e.quote.strip()) for e in criterion.evidence if e.quote.strip()]
    cited.sort(key=lambda pair: -pair[0] if hires else pair[0])
    quotes = list(dict.fromkeys(q for _, q in cited))
    if not quotes:
        quotes = [q for q in (_first_sentence(o.turn.answer) for o in outcomes) if q]
    return tuple(quotes[:MAX_QUOTES])


def _weak_names(outcomes: Sequence[QuestionOutcome]) -> tuple[str, ...]:
    names: dict[str, str] = {}
    for outcome in outcomes:
        if outcome.final is None:
            continue
        rubric = outcome.turn.competency.rubric
        labels = {c.id: c.name for c in rubric.criteria}
        for criterion in outcome.final.criteria:
            if criterion.score <= rubric.scale.middle:
                names.setdefault(criterion.id, labels.get(criterion.id, criterion.id))
    return tuple(names.values())


def _skill_signal(skill: str, outcomes: Sequence[QuestionOutcome], bar: float) -> SkillSignal | None:
    scored = [o for o in outcomes if o.final is not None]
    if not scored:
        return None
    mean = round(sum(common_overall(o.final) for o in scored if o.final is not None) / len(scored), 2)
    bottom = any(_has_bottom(o.final) for o in scored if o.final is not None)
    signal = signal_for(mean, bar, bottom_criterion=bottom)
    return SkillSignal(
        skill,
        scored[0].turn.competency.name,
        signal,
        mean,
        len(scored),
        _quotes(scored, signal.hires),
        _weak_names(scored),
    )


def _best_quote(turn: TurnOutcome) -> str:
    if turn.score is not None:
        cited = sorted(
            ((c.score, e.quote) for c in turn.score.criteria for e in c.evidence if e.quote.strip()),
            key=lambda pair: -pair[0],
        )
        if cited:
            return cited[0][1].strip()
    return _first_sentence(turn.answer)


def _moments(outcomes: Sequence[QuestionOutcome], bar: float, level: str) -> tuple[Moment, ...]:
    """The answers furthest from the bar, and the follow-ups that moved a score most."""
    found: list[Moment] = []
    for outcome in outcomes:
        turn = outcome.turn
        if turn.score is not None:
            value = common_overall(turn.score)
            side = "above" if value >= bar else "below"
            found.append(
                Moment(
                    turn.index,
                    turn.competency.id,
                    turn.kind,
                    turn.question.text,
                    _best_quote(turn),
                    f"scored {value:.1f}/5, {side} the {level} bar of {bar:.1f}",
                    abs(value - bar),
                )
            )
        before = turn.score
        for follow_up in outcome.follow_ups:
            if follow_up.score is None or before is None:
                continue
            scale = (follow_up.score.scale_min, follow_up.score.scale_max)
            earlier = {c.id: c.score for c in before.criteria}
            changes = [(c.id, earlier.get(c.id, c.score), c.score) for c in follow_up.score.criteria]
            raised = [(cid, old, new) for cid, old, new in changes if new > old]
            if raised:
                gain = max(to_common_scale(new, *scale) - to_common_scale(old, *scale) for _, old, new in raised)
                effect = "the follow-up raised " + ", ".join(f"{cid} from {old} to {new}" for cid, old, new in raised)
            else:
                gain = bar - to_common_scale(min(c.score for c in follow_up.score.criteria), *scale)
                effect = "probed on " + ", ".join(follow_up.probes) + ", the gap stayed"
            found.append(
                Moment(
                    follow_up.index,
                    follow_up.competency.id,
                    follow_up.kind,
                    follow_up.question.text,
                    _best_quote(follow_up),
                    effect,
                    abs(gain),
                )
            )
    found.sort(key=lambda m: (-m.weight, m.turn_index))
    return tuple(found[:MAX_MOMENTS])


def _practise_next(signals: Sequence[SkillSignal]) -> tuple[PractiseNext, ...]:
    """Skills below the bar, weakest first; when all clear it, the one furthest from a strong hire."""
    below = sorted((s for s in signals if not s.signal.hires), key=lambda s: s.mean)
    chosen = below or sorted((s for s in signals if s.signal is not Signal.STRONG_HIRE), key=lambda s: s.mean)[:1]
    out = []
    for s in chosen:
        focus = f": work on {', '.join(c.lower() for c in s.weak_criteria)}" if s.weak_criteria else ""
        out.append(PractiseNext(s.skill, s.name, f"{s.signal.value.replace('_', ' ')} at {s.mean:.1f}/5{focus}"))
    return tuple(out)


def build_debrief(
    outcomes: Sequence[QuestionOutcome], planned_skills: Sequence[str], level: str, bar: float
) -> Debrief:
    by_skill: dict[str, list[QuestionOutcome]] = {}
    for outcome in outcomes:
        by_skill.setdefault(outcome.skill, []).append(outcome)
    signals = [s for s in (_skill_signal(k, v, bar) for k, v in by_skill.items()) if s is not None]
    assessed = {s.skill for s in signals}
    return Debrief(
        level=level,
        bar=bar,
        verdict=overall_verdict([s.signal for s in signals]),
        skills=tuple(signals),
        moments=_moments(outcomes, bar, level),
        practise_next=_practise_next(signals),
        not_assessed=tuple(s for s in planned_skills if s not in assessed),
    )
