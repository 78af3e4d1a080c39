"""Interview formats and levels: how many rounds, their time boxes and skills, and which questions each asks."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import Level, Question
from tpm_coach.errors import KnownError


class InterviewFormat(StrEnum):
    SCREEN = "screen"
    ONSITE = "onsite"
    LOOP = "loop"


class InterviewLevel(StrEnum):
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


# The mean rubric score (common 1-5 scale) a skill needs at each level for a hire signal; docs/interview.md.
LEVEL_BARS: dict[InterviewLevel, float] = {
    InterviewLevel.MID: 3.0,
    InterviewLevel.SENIOR: 3.5,
    InterviewLevel.STAFF: 4.0,
}

SCREEN_MINUTES = 30
ONSITE_MINUTES = 45
SCREEN_QUESTIONS = 3
# A 45-minute round holds about three main questions once follow-ups are counted.
ONSITE_QUESTIONS = 3
LOOP_SKILLS_PER_ROUND = 2
MAX_ONSITE_SKILLS = 2


@dataclass(frozen=True)
class RoundPlan:
    """One interviewer's slot: its skills, its time box and the questions it asks in order."""

    title: str
    skills: tuple[str, ...]
    time_box_s: int
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class InterviewPlan:
    format: InterviewFormat
    level: InterviewLevel
    rounds: tuple[RoundPlan, ...]

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for r in self.rounds for s in r.skills))

    @property
    def bar(self) -> float:
        return LEVEL_BARS[self.level]


def _level_preference(level: InterviewLevel) -> list[Level]:
    """The bank levels to draw from, best first: the level itself, then the nearest ones."""
    order = {
        InterviewLevel.MID: [Level.MID, Level.SENIOR, Level.ENTRY, Level.STAFF],
        InterviewLevel.SENIOR: [Level.SENIOR, Level.STAFF, Level.MID, Level.ENTRY],
        InterviewLevel.STAFF: [Level.STAFF, Level.SENIOR, Level.MID, Level.ENTRY],
    }
    return order[level]


def _pick(library: BankLibrary, skill: str, count: int, level: InterviewLevel, rng: random.Random) -> list[Question]:
    questions = library.questions([skill])
    if not questions:
        raise KnownError(
            f"the active question banks have no questions for the skill '{skill}'",
            "choose other skills or activate a bank that covers it in Settings",
        )
    rank = {lvl: i for i, lvl in enumerate(_level_preference(level))}
    shuffled = list(questions)
    rng.shuffle(shuffled)
    # sorted() is stable: the shuffle decides among questions pitched at the same level.
    return sorted(shuffled, key=lambda q: rank[q.level])[:count]


def _spread(skills: Sequence[str], count: int) -> list[str]:
    """`count` question slots over the skills in turn (a, b, a, ...)."""
    return [skills[i % len(skills)] for i in range(count)]


def _round(
    library: BankLibrary,
    title: str,
    *,
    skills: Sequence[str],
    minutes: int,
    count: int,
    level: InterviewLevel,
    rng: random.Random,
) -> RoundPlan:
    slots = _spread(skills, count)
    picked = {s: _pick(library, s, slots.count(s), level, rng) for s in dict.fromkeys(slots)}
    questions = [picked[s].pop(0) for s in slots if picked[s]]
    return RoundPlan(title, tuple(dict.fromkeys(slots)), minutes * 60, tuple(questions))


def build_interview_plan(
    library: BankLibrary,
    interview_format: InterviewFormat,
    level: InterviewLevel,
    skills: Sequence[str] = (),
    rng: random.Random | None = None,
) -> InterviewPlan:
    """The rounds of one interview. Without `skills` a screen or onsite round draws its skills at random;
    a loop always covers every skill of the active banks. Raises KnownError for choices that do not fit."""
    rng = rng or random.Random()
    known = [c.id for c in library.competencies()]
    unknown = [s for s in skills if s not in known]
    if unknown:
        raise KnownError(f"unknown skill(s): {', '.join(unknown)}", f"known skills: {', '.join(known)}")
    chosen = list(dict.fromkeys(skills))
    if interview_format is InterviewFormat.LOOP:
        if chosen:
            raise KnownError(
                "a loop covers every skill, so it takes no --skills", "use --format onsite for a few skills"
            )
        order = list(known)
        rng.shuffle(order)
        groups = [order[i : i + LOOP_SKILLS_PER_ROUND] for i in range(0, len(order), LOOP_SKILLS_PER_ROUND)]
        rounds = tuple(
            _round(library, f"Round {n}", skills=group, minutes=ONSITE_MINUTES, count=len(group), level=level, rng=rng)
            for n, group in enumerate(groups, start=1)
        )
        return InterviewPlan(interview_format, level, rounds)
    if interview_format is InterviewFormat.ONSITE:
        if len(chosen) > MAX_ONSITE_SKILLS:
            raise KnownError(
                f"an onsite round covers one or two skills, not {len(chosen)}", "use --format loop for every skill"
            )
        chosen = chosen or rng.sample(known, min(MAX_ONSITE_SKILLS, len(known)))
        round_ = _round(
            library, "Onsite round", skills=chosen, minutes=ONSITE_MINUTES, count=ONSITE_QUESTIONS, level=level, rng=rng
        )
        return InterviewPlan(interview_format, level, (round_,))
    if len(chosen) > SCREEN_QUESTIONS:
        raise KnownError(f"a phone screen covers at most {SCREEN_QUESTIONS} skills, not {len(chosen)}")
    chosen = chosen or rng.sample(known, min(SCREEN_QUESTIONS, len(known)))
    round_ = _round(
        library, "Phone screen", skills=chosen, minutes=SCREEN_MINUTES, count=SCREEN_QUESTIONS, level=level, rng=rng
    )
    return InterviewPlan(interview_format, level, (round_,))
