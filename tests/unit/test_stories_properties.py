"""Property-based tests of the story file reader: whatever a file holds, loading gives stories or a StoryError.

Never another exception; every problem names the file, and a line inside it when it has one; whatever loads,
saves and loads back the same. Inputs: YAML-like text from YAML syntax and story keys, arbitrary bytes,
arbitrary nested data, and valid files with one generated change deep inside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.case_counts import report_cases
from tpm_coach.errors import StoryError
from tpm_coach.stories import Story, StoryStore, load_stories

CASES: dict[str, int] = {}
RESULTS = {"loaded": 0, "refused": 0}
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SKILLS = ("leadership", "communication", "risk-management")

STORY_KEYS = [
    "format_version", "stories", "id", "title", "situation", "task", "action", "result", "skills", "role",
    "when", "notes",
]  # fmt: skip
SYNTAX = [
    *(f"{key}: " for key in STORY_KEYS),
    "\nstories:\n  - ", "\n    skills: [", "\n    - ", "\n", "\n  ", "- ", ": ", "[", "]", "{", "}", ", ", "'", '"',
    "|\n  ", ">-\n  ", "---\n", "# note", "&x ", "*x", "<<: *x", "~", "null", "yes", "1e999", ".inf", "0o17",
    "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!int ", "!!timestamp ", "2023-02-30",
    "leadership", "Bad Id", "\x00", "\ufeff", "\u2029", "ß",
]  # fmt: skip
yaml_like = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), max_size=50).map("".join)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**66), 2**66),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["leadership", "", " ", "x" * 250, "Bad Id"]),
)
nested = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(st.sampled_from(STORY_KEYS), st.text(max_size=6)), inner, max_size=5)
    ),
    max_leaves=30,
)


def valid_story(i: int) -> dict[str, Any]:
    return {
        "id": f"story-{i}",
        "title": f"Story {i}",
        "situation": "The launch was late.",
        "task": "I owned the date.",
        "action": "I cut scope with the product lead.",
        "result": "We shipped in 6 weeks.",
        "skills": ["leadership"],
        "when": "2022",
    }


def sometimes(value: Any) -> st.SearchStrategy[Any]:
    # Mostly the valid value, so most files fail on one field at most and many load.
    return st.one_of(*(st.just(value) for _ in range(12)), nested)


def _story_with_changes(i: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({k: sometimes(v) for k, v in valid_story(i).items()}, optional={"role": nested})


storyish = st.fixed_dictionaries(
    {"stories": st.integers(0, 3).flatmap(lambda n: st.tuples(*(_story_with_changes(i) for i in range(n))).map(list))},
    optional={"format_version": sometimes(1)},
)


@pytest.fixture(scope="module")
def story_file(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("story-properties") / "stories.yaml"
    detail = ", ".join(f"{k}: {v}" for k, v in CASES.items())
    report_cases(pytestconfig, "story file property cases", sum(CASES.values()), f"{detail}; {RESULTS}")


_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): ")


def check(path: Path, label: str) -> None:
    CASES[label] = CASES.get(label, 0) + 1
    lines = len(_BREAKS.findall(path.read_bytes().decode("utf-8", errors="replace"))) + 1
    error: StoryError | None = None
    try:
        stories = load_stories(path, SKILLS)
    except StoryError as exc:
        error = exc
    if error is not None:
        RESULTS["refused"] += 1
        assert error.problems, "a StoryError without problems"
        for problem in error.problems:
            assert problem.startswith(f"{path}:"), problem
            assert problem[len(str(path)) + 1 :].strip(), "a problem without a message"
            found = _LINE.match(problem)
            if found:
                assert 1 <= int(found["line"]) <= lines, problem
        return
    RESULTS["loaded"] += 1
    assert all(isinstance(s, Story) for s in stories)
    assert len({s.id for s in stories}) == len(stories)
    copy = path.with_name("saved.yaml")
    StoryStore(copy, SKILLS).save_all(stories)
    assert load_stories(copy, SKILLS) == stories


@FUZZ
@given(text=yaml_like)
def test_yaml_like_text(story_file: Path, text: str) -> None:
    story_file.write_text(text, encoding="utf-8", errors="surrogatepass")
    check(story_file, "yaml-like text")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(story_file: Path, data: bytes) -> None:
    story_file.write_bytes(data)
    check(story_file, "arbitrary bytes")


@FUZZ
@given(data=nested)
def test_arbitrary_nested_data(story_file: Path, data: Any) -> None:
    story_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    check(story_file, "nested data")


@FUZZ
@given(data=storyish)
def test_valid_files_with_one_change_deep_inside(story_file: Path, data: dict[str, Any]) -> None:
    story_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    check(story_file, "changed stories")
