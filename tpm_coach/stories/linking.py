"""After an answer is scored: detect which of the candidate's stories it told and link the attempt to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tpm_coach.storage import AttemptRepository, Database
from tpm_coach.storage.stories import StoryLinkRepository
from tpm_coach.stories.matcher import StoryMatch, match_story
from tpm_coach.stories.model import Story


class StoryLinker:
    """Links scored answers to stories; `load_stories` reads the candidate's current stories (the file can change
    between answers)."""

    def __init__(self, load_stories: Callable[[], list[Story]]) -> None:
        self.load_stories = load_stories

    def link(self, db: Database, attempt_id: int) -> StoryMatch | None:
        """Match the answer's transcript against the stories and store the link (a new story when none fits, or
        none is saved yet); None when the answer has no transcript."""
        record = AttemptRepository(db).get(attempt_id)
        if record.transcript is None or not record.transcript.text.strip():
            return None
        stories = self.load_stories()
        result = match_story(record.transcript.text, stories)
        StoryLinkRepository(db).link(attempt_id, result.story_id, result.similarity)
        return result

    def link_in(self, db_path: Path, attempt_id: int) -> StoryMatch | None:
        """The same on a connection of the calling (worker) thread."""
        with Database.open(db_path) as db:
            return self.link(db, attempt_id)
