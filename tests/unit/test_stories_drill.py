"""The story drill's score (STAR parts, a measured result, "I" against "we", time), the coverage drill's choice of
questions, and each story's progress."""

from __future__ import annotations

from pathlib import Path

from tpm_coach.banks import load_bank
from tpm_coach.paths import default_bank_path
from tpm_coach.storage.stories import StoryUse
from tpm_coach.stories import Story, load_stories
from tpm_coach.stories.coverage import coverage
from tpm_coach.stories.drill import coverage_drill, score_story_drill, story_progress, weakest_skills

DATA = Path(__file__).resolve().parent.parent / "data" / "stories"
COMPLETE = (
    "At my last company the release train kept slipping every month. My task was to make the dates reliable. "
    "First I mapped every dependency with the leads and I set a weekly review. "
    "As a result we shipped four releases on time in a row and cut slips by 80 percent."
)
VAGUE = (
    "We had a release problem and the team was struggling with it. We talked about it a lot together. "
    "We worked on the process together and things got a lot better for everyone."
)


def _story(story_id: str = "gdpr-deadline") -> Story:
    return next(s for s in load_stories(DATA / "stories.yaml") if s.id == story_id)


def test_a_complete_telling_scores_five_and_needs_no_advice() -> None:
    result = score_story_drill(COMPLETE, _story(), duration_s=95)
    assert result.star == {"situation": True, "task": True, "action": True, "result": True}
    assert result.measurable_result and "80" in result.result_figures
    assert (result.i_count, result.we_count) == (4, 1) and result.own_role
    assert result.within_time is True
    assert result.score == 5 and result.advice() == []


def test_a_vague_we_telling_gets_low_marks_and_advice_for_each_gap() -> None:
    result = score_story_drill(VAGUE, _story(), duration_s=150)
    assert not result.measurable_result and not result.own_role and result.within_time is False
    assert result.score <= 2
    advice = " ".join(result.advice())
    assert "Give the result a number" in advice and "“I” 0 times against “we” 3" in advice and "2 minutes" in advice
    assert result.as_json()["own_role"] is False


def test_the_drilled_story_is_recognised() -> None:
    told = score_story_drill(_story("cost-cut").action, _story("cost-cut"))
    other = score_story_drill(_story("cost-cut").action, _story("outage-comms"))
    assert told.similarity > other.similarity and told.within_time is None


def test_the_coverage_drill_asks_about_the_weakest_skills_first() -> None:
    stories = [s for s in load_stories(DATA / "stories.yaml") if s.id in ("outage-comms", "cost-cut")]
    skills = [("leadership", "L"), ("business-goals", "B"), ("risk-management", "R"), ("communication", "C")]
    uses = [
        StoryUse(1, "outage-comms", "leadership", 5.0, (1, 5), "2026-01-02"),
        StoryUse(2, "outage-comms", "communication", 2.0, (1, 5), "2026-01-01"),
    ]
    cov = coverage(stories, skills, uses)
    # risk: no story; business goals: a story never scored on it; then communication (25%) before leadership.
    assert weakest_skills(cov) == ["risk-management", "business-goals", "communication", "leadership"]
    questions = load_bank(default_bank_path()).questions
    picked = coverage_drill(cov, questions, count=2)
    assert [q.competency for q in picked] == ["risk-management", "business-goals"]
    progress = story_progress(uses)
    assert progress == {"outage-comms": [("2026-01-01", 0.25), ("2026-01-02", 1.0)]}
