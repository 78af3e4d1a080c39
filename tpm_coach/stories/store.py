"""The candidate's own stories, kept in one YAML file in the app's data folder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tpm_coach.errors import StoryError
from tpm_coach.paths import DataPaths
from tpm_coach.stories.file import load_stories, save_stories
from tpm_coach.stories.model import Story


def stories_path(data_paths: DataPaths) -> Path:
    return data_paths.root / "stories" / "stories.yaml"


@dataclass
class ImportOutcome:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


class StoryStore:
    """Reads and writes the stories file; every change is a whole-file atomic save, so the file always holds a
    set that loads again."""

    def __init__(self, path: Path, known_skills: Iterable[str] = ()) -> None:
        self.path = path
        self.known_skills = frozenset(known_skills)

    def load(self) -> list[Story]:
        if not self.path.exists():
            return []
        return load_stories(self.path, self.known_skills)

    def get(self, story_id: str) -> Story:
        for story in self.load():
            if story.id == story_id:
                return story
        raise StoryError([f"no story with the id '{story_id}'"], "`tpm-coach stories list` shows your stories")

    def save_all(self, stories: list[Story]) -> None:
        ids = [s.id for s in stories]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise StoryError([f"two stories share the id '{i}'" for i in duplicates], "give each story its own id")
        self._check_skills(stories)
        save_stories(stories, self.path)

    def put(self, story: Story, *, replacing: str | None = None) -> None:
        """Add `story`, or replace the story `replacing` (which may be its old id) in place."""
        stories = self.load()
        if replacing is None and any(s.id == story.id for s in stories):
            raise StoryError([f"a story with the id '{story.id}' already exists"], "choose another id")
        if replacing is not None and story.id != replacing and any(s.id == story.id for s in stories):
            raise StoryError([f"a story with the id '{story.id}' already exists"], "choose another id")
        if replacing is None:
            stories.append(story)
        else:
            stories = [story if s.id == replacing else s for s in stories]
        self.save_all(stories)

    def delete(self, story_id: str) -> None:
        stories = self.load()
        if not any(s.id == story_id for s in stories):
            raise StoryError([f"no story with the id '{story_id}'"])
        self.save_all([s for s in stories if s.id != story_id])

    def import_stories(self, incoming: list[Story], *, replace: bool = False) -> ImportOutcome:
        """Merge `incoming` into the saved stories. A story with an id already saved is kept as it was unless
        `replace`; nothing saved is dropped either way."""
        self._check_skills(incoming)
        current = self.load()
        by_id = {s.id: s for s in current}
        outcome = ImportOutcome()
        for story in incoming:
            if story.id in by_id:
                if replace:
                    by_id[story.id] = story
                    outcome.replaced.append(story.id)
                else:
                    outcome.kept.append(story.id)
            else:
                by_id[story.id] = story
                outcome.added.append(story.id)
        self.save_all(list(by_id.values()))
        return outcome

    def _check_skills(self, stories: Iterable[Story]) -> None:
        if not self.known_skills:
            return
        problems = [
            f"story '{s.id}', the skills: unknown skill '{skill}' (known: {', '.join(sorted(self.known_skills))})"
            for s in stories
            for skill in s.skills
            if skill not in self.known_skills
        ]
        if problems:
            raise StoryError(problems)
