"""The matcher on the team's labelled set: which story each spoken answer retold, or none; and the suggester."""

from __future__ import annotations

from pathlib import Path

from tpm_coach.banks import load_bank
from tpm_coach.paths import default_bank_path
from tpm_coach.stories import MATCH_THRESHOLD, load_stories, match_story, suggest_stories
from tpm_coach.stories.evaluation import evaluate, read_answers

DATA = Path(__file__).resolve().parent.parent / "data" / "stories"


def test_the_labelled_set_meets_the_targets() -> None:
    stories = load_stories(DATA / "stories.yaml")
    answers = read_answers(DATA / "answers.yaml")
    assert len(stories) == 8
    assert len(answers) >= 30 and any(a.story_id is None for a in answers)
    report = evaluate(stories, answers)
    assert report.top1_accuracy >= 0.9, report.mistakes
    assert report.false_matches == 0, report.mistakes
    # The threshold sits in the gap, not on its edge.
    assert report.highest_other < MATCH_THRESHOLD < report.lowest_retelling


def test_an_answer_copied_from_a_story_matches_it_and_an_unrelated_one_is_new() -> None:
    stories = load_stories(DATA / "stories.yaml")
    told = match_story(stories[3].action, stories)
    assert told.story_id == stories[3].id
    assert told.candidates[0].story_id == stories[3].id
    assert len(told.candidates) == len(stories)
    new = match_story("I organised the office move and chose the new coffee machine with facilities.", stories)
    assert new.story_id is None
    assert new.as_json()["story"] is None


def test_no_stories_means_a_new_story() -> None:
    assert match_story("anything at all", []).as_json() == {"story": None, "similarity": 0.0, "candidates": []}


def test_the_suggester_prefers_stories_showing_the_question_skill_then_wording() -> None:
    stories = load_stories(DATA / "stories.yaml")
    bank = load_bank(default_bank_path())
    for question in bank.questions[:40]:
        suggestions = suggest_stories(question, stories)
        holders = [s for s in stories if question.competency in s.skills]
        assert len(suggestions) == 2
        assert sum(s.shows_skill for s in suggestions) == min(2, len(holders))
    risk = next(q for q in bank.questions if q.competency == "risk-management")
    late_supplier = risk.model_copy(update={"text": "Tell me about a supplier that told you a delivery would be late."})
    assert suggest_stories(late_supplier, stories)[0].story.id == "vendor-slip"
    billing = risk.model_copy(update={"text": "Tell me about a risky migration where customers could be billed twice."})
    assert suggest_stories(billing, stories)[0].story.id == "payments-migration"
