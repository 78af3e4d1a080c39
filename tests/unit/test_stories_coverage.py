"""Coverage from stories and their scored uses: the cells of the heatmap and the gaps named for the candidate."""

from __future__ import annotations

from pathlib import Path

from tpm_coach.banks import load_bank
from tpm_coach.domain import Question
from tpm_coach.paths import default_bank_path
from tpm_coach.storage.stories import StoryUse
from tpm_coach.stories import load_stories
from tpm_coach.stories.coverage import OVERLOAD_MIN_ANSWERS, coverage
from tpm_coach.stories.draft import draft_from_answer, split_star

DATA = Path(__file__).resolve().parent.parent / "data" / "stories"
SKILLS = [("leadership", "Leadership"), ("communication", "Communication"), ("risk-management", "Risk")]


def use(attempt: int, story: str, skill: str, overall: float | None) -> StoryUse:
    return StoryUse(attempt, story, skill, overall, None if overall is None else (1, 5), "2026-01-01T00:00:00")


def test_cells_gaps_and_a_story_carrying_too_much() -> None:
    stories = [s for s in load_stories(DATA / "stories.yaml") if s.id in ("outage-comms", "underperforming-team")]
    uses = [
        use(1, "outage-comms", "leadership", 5.0),
        use(2, "outage-comms", "leadership", 3.0),
        use(3, "outage-comms", "communication", None),
        use(4, "gone-story", "leadership", 1.0),  # a story deleted since: not counted
    ]
    result = coverage(stories, SKILLS, uses)
    cell = result.cell("leadership", "outage-comms")
    assert cell.covers and cell.uses == 2 and cell.strength == 0.75
    assert result.cell("communication", "outage-comms").strength is None
    assert not result.cell("risk-management", "outage-comms").covers
    assert result.skills_without_story == ("risk-management",)
    assert result.never_practised == ("underperforming-team",)
    assert len(uses) - 1 >= OVERLOAD_MIN_ANSWERS
    assert result.overloaded == ("outage-comms",)
    gaps = result.gaps()
    assert gaps[0] == "No story shows Risk."
    assert any("never told" in g for g in gaps) and any("carries too much" in g for g in gaps)


def test_few_answers_name_no_story_as_carrying_too_much() -> None:
    stories = load_stories(DATA / "stories.yaml")
    result = coverage(stories, SKILLS, [use(1, "outage-comms", "leadership", 4.0)])
    assert result.overloaded == ()


def test_an_answer_is_split_into_star_parts_in_the_order_told() -> None:
    text = (
        "At my last company the release train kept slipping. My task was to make the dates reliable. "
        "First I mapped every dependency with the leads and set a weekly review. "
        "As a result we shipped four releases on time in a row."
    )
    parts = split_star(text)
    assert parts["situation"].startswith("At my last company")
    assert parts["task"] == "My task was to make the dates reliable."
    assert parts["action"].startswith("First I mapped")
    assert parts["result"].startswith("As a result")
    question: Question = next(q for q in load_bank(default_bank_path()).questions if q.competency == "leadership")
    draft = draft_from_answer(text, question)
    assert draft.skills == ["leadership"] and draft.id and draft.title.startswith("At my last company")
