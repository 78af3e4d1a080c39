"""Coverage at a glance: which story shows which skill, how well it scored when told, and the gaps (skills with no
story, stories never practised, one story carrying too much of the loop)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any

from tpm_coach.storage import Database
from tpm_coach.storage.stories import StoryLinkRepository, StoryUse
from tpm_coach.stories.model import Story

# A story told in more than this share of the answers linked to a saved story carries too much of the loop: an
# interviewer hearing it twice learns nothing new. Judged once at least this many answers are linked.
OVERLOAD_SHARE = 0.4
OVERLOAD_MIN_ANSWERS = 3


@dataclass(frozen=True)
class Cell:
    covers: bool  # the story lists the skill
    uses: int  # answers to questions on the skill that told the story
    strength: float | None  # their mean score as a share of the scale, 0..1


@dataclass(frozen=True)
class Coverage:
    skills: tuple[tuple[str, str], ...]  # (competency id, name)
    stories: tuple[Story, ...]
    cells: dict[tuple[str, str], Cell]  # (skill id, story id) -> cell
    skills_without_story: tuple[str, ...]
    never_practised: tuple[str, ...]
    overloaded: tuple[str, ...]

    def cell(self, skill_id: str, story_id: str) -> Cell:
        return self.cells[(skill_id, story_id)]

    def gaps(self) -> list[str]:
        """The gaps in words, for the candidate."""
        names = dict(self.skills)
        titles = {s.id: s.title for s in self.stories}
        out = [f"No story shows {names.get(s, s)}." for s in self.skills_without_story]
        out += [f"“{titles[s]}” was never told in practice." for s in self.never_practised]
        out += [f"“{titles[s]}” carries too much: it was told in over 40% of your answers." for s in self.overloaded]
        return out


def coverage(stories: Sequence[Story], skills: Sequence[tuple[str, str]], uses: Sequence[StoryUse]) -> Coverage:
    known = {s.id for s in stories}
    uses = [u for u in uses if u.story_id in known]
    cells: dict[tuple[str, str], Cell] = {}
    for skill_id, _name in skills:
        for story in stories:
            told = [u for u in uses if u.story_id == story.id and u.competency_id == skill_id]
            strengths = [u.strength for u in told if u.strength is not None]
            cells[(skill_id, story.id)] = Cell(
                skill_id in story.skills, len(told), fmean(strengths) if strengths else None
            )
    counts = {s.id: sum(1 for u in uses if u.story_id == s.id) for s in stories}
    overloaded = (
        tuple(sid for sid, n in counts.items() if n / len(uses) > OVERLOAD_SHARE)
        if len(uses) >= OVERLOAD_MIN_ANSWERS
        else ()
    )
    return Coverage(
        skills=tuple(skills),
        stories=tuple(stories),
        cells=cells,
        skills_without_story=tuple(sid for sid, _ in skills if not any(sid in s.skills for s in stories)),
        never_practised=tuple(sid for sid, n in counts.items() if n == 0),
        overloaded=overloaded,
    )


def load_coverage(
    database: Path,
    load_stories: Callable[[], list[Story]],
    skills: Sequence[tuple[str, str]],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[..., Any] | None = None,
) -> Coverage:
    """The stories and their uses read together, on a worker thread (one short read each: nothing to cancel)."""
    stories = load_stories()
    with Database.open(database) as db:
        uses = StoryLinkRepository(db).uses()
    return coverage(stories, skills, uses)
