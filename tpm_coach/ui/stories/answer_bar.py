"""On a feedback view: the story the answer told (or that it was a new one) and "Save as story"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.config import LlmSettings
from tpm_coach.domain import Question
from tpm_coach.errors import KnownError
from tpm_coach.storage import AttemptRecord, Database
from tpm_coach.storage.stories import StoryLinkRepository
from tpm_coach.stories import Story, StoryStore
from tpm_coach.stories.draft import StoryDraft, draft_from_answer
from tpm_coach.stories.llm_draft import draft_with_settings
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.stories.form import StoryForm
from tpm_coach.ui.stories.view import skills_of, story_store
from tpm_coach.ui.style import button, label


def _told_text(
    database: Path, store: StoryStore, attempt_id: int, *, cancel: threading.Event, progress: Callable[..., Any]
) -> str:
    with Database.open(database) as db:
        link = StoryLinkRepository(db).get(attempt_id)
    if link is None:
        return ""
    if link.story_id is None:
        return "A new story: none of your saved stories. Save it to track it."
    try:
        title = store.get(link.story_id).title
    except KnownError:
        title = link.story_id
    how = "chosen by you" if link.source == "chosen" else f"similarity {link.similarity:.2f}"
    return f"Story told: “{title}” ({how})"


def _llm_draft(
    settings: LlmSettings, transcript: str, question: Question, *, cancel: threading.Event, progress: Callable[..., Any]
) -> StoryDraft:
    return draft_with_settings(settings, transcript, question)


class StoryDialog(QDialog):
    """A story to check and complete before it is saved."""

    def __init__(self, form: StoryForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save as story")
        self.form = form
        self.error = label("", "ChipWarn", self, wrap=True)
        self.error.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Edit the parts drafted from your answer, then save.", "Muted"))
        layout.addWidget(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.story: Story | None = None

    def _check(self) -> None:
        try:
            self.story = self.form.story()
        except KnownError as exc:
            self.error.setText("\n".join(getattr(exc, "problems", [str(exc)])))
            self.error.setVisible(True)
            return
        self.accept()


class StoryBar(QWidget):
    """Hidden until `configure` gives it the app's services (the feedback view is also built without them)."""

    story_saved = Signal(str)  # the id of the story saved from this answer
    draft_ready = Signal(object)  # the LLM's StoryDraft, or None when the parts were split offline instead
    link_shown = Signal()  # the story the answer told is on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps: ViewDeps | None = None
        self.edit_drafts = True  # False: a draft is only announced (draft_ready), not opened in a modal dialog
        self.record: AttemptRecord | None = None
        self.told = label("", "Muted", self, wrap=True)
        self.told.setObjectName("toldStory")
        self.save = button("Save as story", parent=self)
        self.save.setObjectName("saveAsStory")
        self.save.clicked.connect(self.open_dialog)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.told, 1)
        row.addWidget(self.save)
        self.setVisible(False)

    def configure(self, deps: ViewDeps) -> None:
        self.deps = deps
        self.loads = LatestOnly(deps.workers)
        self.drafts = LatestOnly(deps.workers)

    def show_record(self, record: AttemptRecord) -> None:
        self.record = record
        if self.deps is None or record.transcript is None:
            self.setVisible(False)
            return
        self.setVisible(True)
        self._show_link(record.id)

    def _show_link(self, attempt_id: int) -> None:
        """The link is read on a worker with its own connection: the feedback view reads nothing on this thread."""
        assert self.deps is not None
        self.told.setText("")
        context = self.deps.context
        self.loads.start(
            _told_text,
            context.data_paths.database,
            story_store(context, []),
            attempt_id,
            done=self._told,
            failed=self._told_failed,
        )

    def _told(self, text: str) -> None:
        self.told.setText(text)
        self.link_shown.emit()

    def _told_failed(self, exc: Exception) -> None:
        self.told.setText("The story this answer told could not be read.")
        self.link_shown.emit()

    def draft_dialog(self, draft: StoryDraft | None = None) -> StoryDialog:
        """The dialog with `draft`, by default the STAR parts split from the transcript, for the candidate to edit."""
        assert self.deps is not None and self.record is not None and self.record.transcript is not None
        form = StoryForm(skills_of(self.deps.context))
        form.show_draft(draft or draft_from_answer(self.record.transcript.text, self.record.question))
        return StoryDialog(form, self)

    def open_dialog(self) -> None:
        """With an LLM configured its judge drafts the parts (on a worker: it takes seconds); else they are split."""
        if self.deps is None or self.record is None or self.record.transcript is None:
            return
        settings = self.deps.context.settings.llm
        if not settings.enabled:
            self._edit(None)
            return
        self.save.setEnabled(False)
        self.save.setText("Drafting…")
        self.drafts.start(
            _llm_draft,
            settings,
            self.record.transcript.text,
            self.record.question,
            done=self._drafted,
            failed=self._not_drafted,
        )

    def _drafted(self, draft: StoryDraft) -> None:
        self._ready()
        self.draft_ready.emit(draft)
        self._edit(draft)

    def _not_drafted(self, exc: Exception) -> None:
        self._ready()
        assert self.deps is not None
        self.deps.messages.info(
            str(exc) if isinstance(exc, KnownError) else f"The LLM could not draft the story: {exc}"
        )
        self.draft_ready.emit(None)
        self._edit(None)

    def _ready(self) -> None:
        self.save.setEnabled(True)
        self.save.setText("Save as story")

    def _edit(self, draft: StoryDraft | None) -> None:
        if self.edit_drafts:
            dialog = self.draft_dialog(draft)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.save_story(dialog)

    def save_story(self, dialog: StoryDialog) -> None:
        assert self.deps is not None and self.record is not None and dialog.story is not None
        story = dialog.story
        try:
            story_store(self.deps.context).put(story)
            StoryLinkRepository(self.deps.context.database).link(self.record.id, story.id, 1.0, source="chosen")
        except KnownError as exc:
            self.deps.messages.error(exc)
            return
        self._show_link(self.record.id)
        self.deps.messages.info(f"Saved the story “{story.title}”; see it on the Stories page.")
        self.story_saved.emit(story.id)
