"""During thinking time: the two saved stories that best fit the question."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tpm_coach.domain import Question
from tpm_coach.errors import KnownError
from tpm_coach.stories import suggest_stories
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.stories.view import story_store
from tpm_coach.ui.widgets.plain_label import PlainLabel


class StorySuggestions(PlainLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("storySuggestions")
        self.setProperty("class", "Muted")
        self.setWordWrap(True)
        self.deps: ViewDeps | None = None
        self.setVisible(False)

    def configure(self, deps: ViewDeps) -> None:
        self.deps = deps

    def show_question(self, question: Question) -> None:
        """Reads the small story file here: a few milliseconds, once per question."""
        if self.deps is None:
            return
        try:
            stories = story_store(self.deps.context, []).load()
        except KnownError:
            stories = []
        picks = suggest_stories(question, stories)
        self.setText("Stories that fit: " + " · ".join(f"“{p.story.title}”" for p in picks) if picks else "")
        self.setVisible(bool(picks))
