"""Interview formats on the default bank: rounds, time boxes, skills, and the clock that ends a round."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import Level
from tpm_coach.errors import KnownError
from tpm_coach.interview.clock import ClockState, RoundClock, format_clock, typed_answer_seconds
from tpm_coach.interview.formats import InterviewFormat, InterviewLevel, build_interview_plan


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> BankLibrary:
    return BankLibrary(Path(tmp_path_factory.mktemp("banks")))


def test_a_loop_covers_all_six_skills_in_45_minute_rounds(library: BankLibrary) -> None:
    plan = build_interview_plan(library, InterviewFormat.LOOP, InterviewLevel.SENIOR, rng=random.Random(1))
    assert len(plan.rounds) > 1
    assert sorted(plan.skills) == sorted(c.id for c in library.competencies())
    assert all(r.time_box_s == 45 * 60 for r in plan.rounds)
    asked = {q.competency for r in plan.rounds for q in r.questions}
    assert asked == set(plan.skills)


def test_a_screen_is_one_30_minute_round(library: BankLibrary) -> None:
    plan = build_interview_plan(library, InterviewFormat.SCREEN, InterviewLevel.MID, rng=random.Random(2))
    [round_] = plan.rounds
    assert round_.time_box_s == 30 * 60 and len(round_.questions) == 3


def test_an_onsite_asks_only_its_skills_and_prefers_the_level(library: BankLibrary) -> None:
    plan = build_interview_plan(
        library, InterviewFormat.ONSITE, InterviewLevel.STAFF, ["risk-management"], random.Random(3)
    )
    [round_] = plan.rounds
    assert round_.time_box_s == 45 * 60
    assert {q.competency for q in round_.questions} == {"risk-management"}
    staff = [q for q in library.questions(["risk-management"]) if q.level is Level.STAFF]
    assert [q.level for q in round_.questions][: len(staff)] == [Level.STAFF] * min(len(staff), 3)


def test_the_same_seed_asks_the_same_questions(library: BankLibrary) -> None:
    def ids(seed: int) -> list[str]:
        plan = build_interview_plan(library, InterviewFormat.LOOP, InterviewLevel.MID, rng=random.Random(seed))
        return [q.id for r in plan.rounds for q in r.questions]

    assert ids(7) == ids(7)


@pytest.mark.parametrize(
    ("interview_format", "skills", "words"),
    [
        (InterviewFormat.ONSITE, ["leadership", "communication", "risk-management"], "one or two skills"),
        (InterviewFormat.LOOP, ["leadership"], "covers every skill"),
        (InterviewFormat.SCREEN, ["no-such-skill"], "unknown skill"),
    ],
)
def test_choices_that_do_not_fit_are_refused_with_what_to_do(
    library: BankLibrary, interview_format: InterviewFormat, skills: list[str], words: str
) -> None:
    with pytest.raises(KnownError, match=words):
        build_interview_plan(library, interview_format, InterviewLevel.MID, skills)


def test_the_clock_warns_near_the_end_and_is_over_at_the_time_box() -> None:
    clock = RoundClock(45 * 60)
    assert clock.state(0) is ClockState.RUNNING
    assert clock.state(40 * 60 - 1) is ClockState.RUNNING
    assert clock.state(40 * 60) is ClockState.WARNING
    assert clock.state(45 * 60) is ClockState.OVER
    assert clock.remaining(46 * 60) == 0
    short = RoundClock(10 * 60)
    assert short.state(8 * 60) is ClockState.WARNING and short.state(8 * 60 - 1) is ClockState.RUNNING
    assert format_clock(125.4) == "02:05"


def test_a_typed_answer_counts_as_spoken_at_interview_pace() -> None:
    assert typed_answer_seconds(" ".join(["word"] * 130)) == pytest.approx(60.0)
