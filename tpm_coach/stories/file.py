"""Reading, validating and atomically saving story files; every problem names the story and the field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.banks.yaml_source import (
    YamlDocument,
    YamlSourceError,
    count_problem,
    count_values,
    parse_yaml,
    read_yaml,
    size_problem,
)
from tpm_coach.errors import StoryError
from tpm_coach.stories.model import STORY_FORMAT_VERSION, Story, StoryFile

_FIELD_WORDS = {
    "id": "the id",
    "title": "the title",
    "situation": "the situation",
    "task": "the task",
    "action": "the action",
    "result": "the result",
    "skills": "the skills",
    "role": "the role",
    "when": "when it happened",
    "notes": "the notes",
}


def load_stories(path: Path, known_skills: Iterable[str] = ()) -> list[Story]:
    """The stories in `path`, checked; raises StoryError listing every problem."""
    try:
        document = read_yaml(path)
    except YamlSourceError as exc:
        raise StoryError([_where(str(path), exc.line) + exc.message]) from exc
    return stories_from_document(document, str(path), known_skills)


def parse_stories(text: str, name: str = "stories", known_skills: Iterable[str] = ()) -> list[Story]:
    try:
        document = parse_yaml(text)
    except YamlSourceError as exc:
        raise StoryError([_where(name, exc.line) + exc.message]) from exc
    return stories_from_document(document, name, known_skills)


def stories_from_document(document: YamlDocument, name: str, known_skills: Iterable[str] = ()) -> list[Story]:
    data = document.data
    if not isinstance(data, dict) or "stories" not in data:
        raise StoryError([_where(name, 1) + "a story file is a mapping with a 'stories:' list (see docs/stories.md)"])
    version = data.get("format_version", STORY_FORMAT_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > STORY_FORMAT_VERSION:
        raise StoryError(
            [_where(name, document.line_of("format_version")) + f"this file uses format version {version}"],
            f"upgrade tpm_coach: this one reads story files up to version {STORY_FORMAT_VERSION}",
        )
    problems: list[tuple[int, str]] = []
    raw = data.get("stories")
    items = raw if isinstance(raw, list) else []
    problems += _cross_problems(items, set(known_skills), document, name)
    parsed: StoryFile | None = None
    try:
        parsed = StoryFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line = document.line_of(_location(loc))
            problems.append((line or 0, _where(name, line) + _describe(loc, items) + _message(err)))
    if problems or parsed is None:
        ordered = list(dict.fromkeys(p for _, p in sorted(problems, key=lambda item: item[0])))
        raise StoryError(ordered)
    return list(parsed.stories)


def stories_to_data(stories: Iterable[Story]) -> dict[str, Any]:
    return {
        "format_version": STORY_FORMAT_VERSION,
        "stories": [s.model_dump(mode="json", exclude_none=True) for s in stories],
    }


def encode_stories(stories: Iterable[Story], fmt: str = "yaml") -> bytes:
    """The file a save writes, held to the reader's own limits so a saved file always loads again."""
    data = stories_to_data(stories)
    if fmt == "json":
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    too_many = count_problem(count_values(data))
    encoded = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110).encode("utf-8")
    too_big = too_many or size_problem(len(encoded))
    if too_big:
        raise StoryError([f"once saved, {too_big}"], "keep fewer or shorter stories in one file")
    return encoded


def save_stories(stories: Iterable[Story], path: Path) -> None:
    """Atomically write the stories: a crash leaves the old file or the new one, never a mix."""
    atomic_write_bytes(path, encode_stories(stories))


def _cross_problems(items: list[Any], known: set[str], document: YamlDocument, name: str) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        story_id = item.get("id")
        if isinstance(story_id, str):
            if story_id in first:
                line = document.line_of(f"stories[{i}].id")
                problems.append(
                    (
                        line or 0,
                        _where(name, line)
                        + f"{_describe(('stories', i), items)}the id is already used by story {first[story_id] + 1}",
                    )
                )
            first.setdefault(story_id, i)
        skills = item.get("skills")
        if known and isinstance(skills, list):
            for j, skill in enumerate(skills):
                if isinstance(skill, str) and skill not in known:
                    line = document.line_of(f"stories[{i}].skills[{j}]")
                    about = _describe(("stories", i, "skills", j), items)
                    message = f"unknown skill '{skill}' (known: {', '.join(sorted(known))})"
                    problems.append((line or 0, _where(name, line) + about + message))
    return problems


def _where(name: str, line: int | None) -> str:
    return f"{name}:{line}: " if line else f"{name}: "


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(loc: tuple[int | str, ...], items: list[Any]) -> str:
    """('stories', 2, 'result') -> "story 'launch-delay' (the 3rd), the result: "."""
    if len(loc) < 2 or loc[0] != "stories" or not isinstance(loc[1], int):
        return f"{_location(loc)}: " if loc else ""
    index = loc[1]
    item = items[index] if index < len(items) else None
    story_id = item.get("id") if isinstance(item, dict) else None
    label = f"story '{story_id}' (number {index + 1})" if isinstance(story_id, str) else f"story number {index + 1}"
    if len(loc) == 2:
        return f"{label}: "
    field = str(loc[2])
    words = _FIELD_WORDS.get(field, f"the field '{field}'")
    if len(loc) > 3 and isinstance(loc[3], int):
        words += f" (item {loc[3] + 1})"
    return f"{label}, {words}: "


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a story field (check the spelling; see docs/stories.md)"
    if kind == "string_pattern_mismatch":
        return "ids use lower-case letters, digits, '-', '_' or '.' and start with a letter or digit"
    if kind == "string_too_short":
        return "is empty"
    if kind == "too_short":
        return "needs at least one skill (a competency id such as 'leadership')"
    msg = str(err.get("msg", "is not valid"))
    return msg[0].lower() + msg[1:] if msg else "is not valid"
