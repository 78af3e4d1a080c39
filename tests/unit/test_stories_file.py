"""The story file: loading, precise problems naming the story and field, atomic saves and imports that keep
what is already saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tpm_coach.errors import StoryError
from tpm_coach.paths import assets_dir
from tpm_coach.stories import Story, StoryStore, load_stories, parse_stories
from tpm_coach.stories.model import StoryFile
from tpm_coach.stories.schema import story_json_schema

DATA = Path(__file__).resolve().parent.parent / "data" / "stories"
SKILLS = ["technical-aptitude", "planning-strategy", "business-goals", "risk-management", "communication", "leadership"]


def story(story_id: str = "launch", **changes: object) -> Story:
    fields: dict[str, object] = {
        "id": story_id,
        "title": "Launching the new checkout",
        "situation": "Checkout was slow.",
        "task": "I owned the launch.",
        "action": "I planned the rollout in three waves.",
        "result": "Conversion rose by 4 percent.",
        "skills": ["leadership"],
    }
    fields.update(changes)
    return Story.model_validate(fields)


def test_the_labelled_set_loads_against_the_default_skills() -> None:
    stories = load_stories(DATA / "stories.yaml", SKILLS)
    assert len(stories) == 8
    assert {skill for s in stories for skill in s.skills} == set(SKILLS)


def test_every_problem_names_the_story_the_field_and_the_line() -> None:
    text = (
        "stories:\n"
        "  - id: launch\n"
        "    title: A launch\n"
        "    situation: s\n    task: t\n    action: a\n"
        "    skills: [leadership, flying]\n"
        "  - id: launch\n"
        "    title: ''\n"
        "    situation: s\n    task: t\n    action: a\n    result: r\n    skills: [leadership]\n"
    )
    with pytest.raises(StoryError) as caught:
        parse_stories(text, "mine.yaml", SKILLS)
    problems = caught.value.problems
    assert "mine.yaml:2: story 'launch' (number 1), the result: is required but missing" in problems[0]
    assert any(
        p.startswith("mine.yaml:7: story 'launch' (number 1), the skills (item 2): unknown skill 'flying'")
        for p in problems
    )
    assert any("mine.yaml:8: story 'launch' (number 2): the id is already used by story 1" in p for p in problems)
    assert any("mine.yaml:9: story 'launch' (number 2), the title: is empty" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just a list\n", "a mapping with a 'stories:' list"),
        ("stories: [1]\n", "story number 1"),
        ("format_version: 9\nstories: []\n", "format version 9"),
        ("stories:\n  - id: a\n    colour: blue\n", "the field 'colour': is not a story field"),
        ("stories: [\n", "not valid YAML"),
    ],
)
def test_bad_files_are_refused_with_a_message_a_person_can_act_on(text: str, expected: str) -> None:
    with pytest.raises(StoryError) as caught:
        parse_stories(text)
    assert any(expected in problem for problem in caught.value.problems)


def test_a_saved_file_loads_back_the_same_stories(tmp_path: Path) -> None:
    store = StoryStore(tmp_path / "stories.yaml", SKILLS)
    originals = load_stories(DATA / "stories.yaml")
    store.save_all(originals)
    assert store.load() == originals


def test_import_keeps_saved_stories_and_replaces_only_when_asked(tmp_path: Path) -> None:
    store = StoryStore(tmp_path / "stories.yaml", SKILLS)
    store.put(story("launch"))
    store.put(story("outage", title="The outage"))
    outcome = store.import_stories([story("launch", title="Changed"), story("hiring")])
    assert outcome.added == ["hiring"] and outcome.kept == ["launch"] and outcome.replaced == []
    assert {s.id: s.title for s in store.load()} == {
        "launch": "Launching the new checkout",
        "outage": "The outage",
        "hiring": "Launching the new checkout",
    }
    outcome = store.import_stories([story("launch", title="Changed")], replace=True)
    assert outcome.replaced == ["launch"]
    assert store.get("launch").title == "Changed"
    assert len(store.load()) == 3


def test_an_import_with_an_unknown_skill_changes_nothing(tmp_path: Path) -> None:
    store = StoryStore(tmp_path / "stories.yaml", SKILLS)
    store.put(story("launch"))
    before = store.path.read_bytes()
    with pytest.raises(StoryError, match="unknown skill 'juggling'"):
        store.import_stories([story("other", skills=["juggling"])])
    assert store.path.read_bytes() == before


def test_edit_renames_in_place_and_delete_removes(tmp_path: Path) -> None:
    store = StoryStore(tmp_path / "stories.yaml")
    store.put(story("a"))
    store.put(story("b"))
    store.put(story("c", title="Renamed"), replacing="a")
    assert [s.id for s in store.load()] == ["c", "b"]
    with pytest.raises(StoryError, match="already exists"):
        store.put(story("b"), replacing="c")
    store.delete("b")
    assert [s.id for s in store.load()] == ["c"]


def test_the_shipped_json_schema_is_current() -> None:
    shipped = json.loads((assets_dir() / "stories.schema.json").read_text())
    assert shipped == story_json_schema(), "run `tpm-coach stories schema -o assets/stories.schema.json`"
    assert set(StoryFile.model_json_schema()["$defs"]["Story"]["required"]) >= {
        "id",
        "title",
        "situation",
        "task",
        "action",
        "result",
        "skills",
    }
