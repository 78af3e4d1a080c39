"""Progress statistics from sessions stored through the real repositories in a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach import progress
from tpm_coach.context import AppContext


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = AppContext()
    yield context
    context.close()


def _history(ctx: AppContext) -> None:
    # Week 1: technical answers weak on constraints; communication strong.
    add_session(
        ctx,
        SessionSpec(
            [Answer("tech-001", [1, 3, 3, 3]), Answer("comm-001", 5)],
            started_at="2025-03-03T09:00:00.000+00:00",
        ),
    )
    # Week 2: technical improves, communication slips a little.
    add_session(
        ctx,
        SessionSpec(
            [Answer("tech-002", [2, 4, 4, 4]), Answer("tech-003", [2, 4, 4, 4]), Answer("comm-002", 4)],
            started_at="2025-03-10T09:00:00.000+00:00",
        ),
    )
    # An answer that was never scored must not count anywhere.
    add_session(ctx, SessionSpec([Answer("lead-001", None)], started_at="2025-03-12T09:00:00.000+00:00"))


def test_skill_series_has_one_point_per_scored_answer_in_time_order(ctx: AppContext) -> None:
    _history(ctx)
    series = {s.competency_id: s for s in progress.skill_series(ctx.attempts.list_scored())}

    assert set(series) == {"technical-aptitude", "communication"}
    tech = series["technical-aptitude"]
    assert tech.name == "Technical aptitude"
    assert [p.at.day for p in tech.points] == [3, 10, 10]
    # constraints weighs 1.0 and the other three 1.5/1.5/1.0 -> (1*1 + 3*4)/5 = 2.6 -> 1-5 scale unchanged
    assert tech.points[0].score == pytest.approx(2.6)
    assert series["communication"].points[0].score == pytest.approx(5.0)


def test_session_averages_group_answers_of_one_skill_in_one_session(ctx: AppContext) -> None:
    _history(ctx)
    averages = progress.session_skill_averages(ctx.attempts.list_scored())

    tech = [a for a in averages if a.competency_id == "technical-aptitude"]
    assert [(a.count, a.at.day) for a in tech] == [(1, 3), (2, 10)]
    assert tech[1].mean == pytest.approx(3.6)
    assert [a.at for a in averages] == sorted(a.at for a in averages)


def test_weakest_criteria_puts_the_lowest_mean_first(ctx: AppContext) -> None:
    _history(ctx)
    weakest = progress.weakest_criteria(ctx.attempts.list_scored(), limit=2)

    assert weakest[0].criterion_id == "constraints"
    assert weakest[0].criterion_name == "Scale and constraints"
    assert weakest[0].count == 3
    assert weakest[0].mean == pytest.approx(5 / 3)
    assert len(weakest) == 2
    assert weakest[1].mean >= weakest[0].mean


def test_standings_report_trend_against_earlier_answers(ctx: AppContext) -> None:
    _history(ctx)
    standings = {s.competency_id: s for s in progress.skill_standings(ctx.attempts.list_scored(), recent=2)}

    tech = standings["technical-aptitude"]
    assert tech.count == 3
    assert tech.recent_mean == pytest.approx(3.6)
    assert tech.trend == pytest.approx(1.0)
    assert standings["communication"].trend is None  # both of its answers are "recent"
    latest_only = {s.competency_id: s for s in progress.skill_standings(ctx.attempts.list_scored(), recent=1)}
    assert latest_only["communication"].trend == pytest.approx(-1.0)


def test_weakest_competency_for_focus_mode(ctx: AppContext) -> None:
    assert progress.weakest_competency([]) is None
    _history(ctx)
    attempts = ctx.attempts.list_scored()

    assert progress.weakest_competency(attempts) == "technical-aptitude"
    # A candidate skill that was never scored is the biggest unknown, unless asked otherwise.
    candidates = ["communication", "leadership", "technical-aptitude"]
    assert progress.weakest_competency(attempts, candidates) == "leadership"
    assert progress.weakest_competency(attempts, candidates, untried_first=False) == "technical-aptitude"
    assert progress.weakest_competency(attempts, ["communication"]) == "communication"


def test_recent_scores_decide_the_weakest_skill(ctx: AppContext) -> None:
    # Communication started terribly but is now excellent; technical was always fairly good.
    add_session(ctx, SessionSpec([Answer("tech-001", 4)], started_at="2025-01-01T08:00Z"))
    for day in range(1, 9):
        score = 1 if day <= 3 else 5
        add_session(ctx, SessionSpec([Answer("comm-001", score)], started_at=f"2025-01-0{day}T09:00Z"))
    attempts = ctx.attempts.list_scored()

    # The last five communication answers are all 5: technical (4) is the one to work on ...
    assert progress.weakest_competency(attempts, recent=5) == "technical-aptitude"
    # ... while over all eight, communication averages (3 * 1 + 5 * 5) / 8 = 3.5.
    assert progress.weakest_competency(attempts, recent=10) == "communication"


def test_common_scale_maps_any_rubric_scale_onto_one_to_five() -> None:
    assert progress.to_common_scale(0, 0, 10) == 1.0
    assert progress.to_common_scale(5, 0, 10) == 3.0
    assert progress.to_common_scale(10, 0, 10) == 5.0
    assert progress.to_common_scale(3, 1, 5) == 3.0


def test_progress_report_counts_only_scored_answers(ctx: AppContext) -> None:
    _history(ctx)
    everything = [a for s in ctx.sessions.list_summaries() for a in ctx.attempts.list_for_session(s.id)]
    report = progress.progress_report(everything)

    assert len(everything) == 6
    assert report.answer_count == 5
    assert {s.competency_id for s in report.series} == {"technical-aptitude", "communication"}
    assert report.standings[0].competency_id == "technical-aptitude"
