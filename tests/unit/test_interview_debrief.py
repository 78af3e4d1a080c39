"""The debrief rule at its thresholds (docs/interview.md), the verdict, and quotes behind every signal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import CriterionScore, Evidence, ScoreResult
from tpm_coach.interview.debrief import STRONG_MARGIN, Signal, build_debrief, overall_verdict, signal_for
from tpm_coach.interview.formats import LEVEL_BARS, InterviewLevel
from tpm_coach.interview.outcomes import QuestionOutcome, TurnOutcome
from tpm_coach.scoring.overall import overall_score


@pytest.fixture
def library(tmp_path: Path) -> BankLibrary:
    return BankLibrary(tmp_path / "banks")


@pytest.mark.parametrize("level", list(InterviewLevel))
@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (STRONG_MARGIN, Signal.STRONG_HIRE),
        (STRONG_MARGIN - 0.01, Signal.LEAN_HIRE),
        (0.0, Signal.LEAN_HIRE),
        (-0.01, Signal.LEAN_NO_HIRE),
        (-STRONG_MARGIN, Signal.LEAN_NO_HIRE),
        (-STRONG_MARGIN - 0.01, Signal.STRONG_NO_HIRE),
    ],
)
def test_the_signal_changes_exactly_at_the_bar_and_its_margins(
    level: InterviewLevel, offset: float, expected: Signal
) -> None:
    bar = LEVEL_BARS[level]
    assert signal_for(round(bar + offset, 2), bar) is expected


def test_the_same_answers_clear_a_lower_level_bar_and_miss_a_higher_one() -> None:
    mean = 3.6
    assert [signal_for(mean, LEVEL_BARS[lvl]) for lvl in InterviewLevel] == [
        Signal.LEAN_HIRE,
        Signal.LEAN_HIRE,
        Signal.LEAN_NO_HIRE,
    ]


def test_a_criterion_left_at_the_bottom_holds_a_strong_hire_to_lean_hire() -> None:
    assert signal_for(5.0, 3.0, bottom_criterion=True) is Signal.LEAN_HIRE
    assert signal_for(3.2, 3.0, bottom_criterion=True) is Signal.LEAN_HIRE


def test_the_verdict_is_the_mean_step_rounded_down_and_one_strong_no_hire_keeps_it_below_hire() -> None:
    assert overall_verdict([Signal.STRONG_HIRE, Signal.LEAN_HIRE]) is Signal.LEAN_HIRE
    assert overall_verdict([Signal.STRONG_HIRE, Signal.STRONG_HIRE]) is Signal.STRONG_HIRE
    assert overall_verdict([Signal.STRONG_HIRE, Signal.STRONG_HIRE, Signal.STRONG_NO_HIRE]) is Signal.LEAN_NO_HIRE
    assert overall_verdict([Signal.LEAN_HIRE, Signal.LEAN_NO_HIRE]) is Signal.LEAN_NO_HIRE
    assert overall_verdict([]) is None


def _outcome(
    library: BankLibrary, question_id: str, scores: dict[str, int], answer: str, quote: str
) -> QuestionOutcome:
    question = library.question(question_id)
    competency = library.competency_for(question)
    criteria = [
        CriterionScore(
            id=cid,
            score=value,
            rationale="r",
            evidence=[Evidence(quote=quote)] if value > 2 else [],
        )
        for cid, value in scores.items()
    ]
    result = ScoreResult(
        overall=overall_score(criteria, competency.rubric),
        scale_min=1,
        scale_max=5,
        criteria=criteria,
        scorer="offline",
    )
    turn = TurnOutcome(0, 0, "question", question, competency, 1, None, (), answer, result)
    return QuestionOutcome(turn, final=result)


def test_every_signal_is_backed_by_the_candidates_own_words(library: BankLibrary) -> None:
    strong = _outcome(
        library,
        "tech-002",
        {"constraints": 5, "architecture": 5, "trade-offs": 5, "failure-and-rollout": 4},
        "We size for two thousand messages a second at peak. The queue decouples senders.",
        "We size for two thousand messages a second at peak.",
    )
    weak_ids = [c.id for c in library.competency("leadership").rubric.criteria]
    weak = _outcome(library, "lead-002", dict.fromkeys(weak_ids, 1), "We met every week and it was fine.", "")

    debrief = build_debrief([strong, weak], ["technical-aptitude", "leadership", "communication"], "senior", 3.5)

    signals = {s.skill: s for s in debrief.skills}
    assert signals["technical-aptitude"].signal is Signal.STRONG_HIRE
    assert signals["technical-aptitude"].evidence == ("We size for two thousand messages a second at peak.",)
    assert signals["leadership"].signal is Signal.STRONG_NO_HIRE
    # No criterion cited anything, so the answer's own opening stands behind the signal.
    assert signals["leadership"].evidence == ("We met every week and it was fine.",)
    assert all(s.evidence for s in debrief.skills)
    assert debrief.verdict is Signal.LEAN_NO_HIRE
    assert debrief.not_assessed == ("communication",)
    assert [p.skill for p in debrief.practise_next] == ["leadership"]
    assert 2 <= len(debrief.moments) <= 3
