"""Correcting a transcript after Stop (misheard names, jargon): the correction is scored, and what the speech model
heard is kept beside it. Used by Practice's feedback; the interview page corrects before submitting instead."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from tpm_coach.domain import AttemptRecord
from tpm_coach.errors import KnownError
from tpm_coach.practice.ports import PracticeServices
from tpm_coach.storage import AttemptRepository, Database
from tpm_coach.storage.interviews import TranscriptEdits
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner


def correct_and_rescore(services: PracticeServices, database: Path, attempt_id: int, text: str) -> AttemptRecord:
    """Store the correction (keeping what was heard), score the corrected answer, and read it back."""
    with Database.open(database) as db:
        TranscriptEdits(db).save(attempt_id, text.strip())
    services.score_attempt(attempt_id, "auto")
    with Database.open(database) as db:
        return AttemptRepository(db).get(attempt_id)


class TranscriptFix(QWidget):
    """The "Correct the transcript" action: an editor under a button; Save re-scores with the corrected text."""

    def __init__(
        self,
        services: Callable[[], PracticeServices],
        database: Path,
        runner: QtTaskRunner,
        *,
        messages: MessageSink,
        on_corrected: Callable[[AttemptRecord], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.database, self.runner, self.messages = services, database, runner, messages
        self.on_corrected = on_corrected
        self.record: AttemptRecord | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.status = label("", "Muted", self, wrap=True)
        row.addWidget(self.status, 1)
        self.open = button("Correct the transcript…", "link", self)
        self.open.clicked.connect(self._edit)
        row.addWidget(self.open)
        layout.addLayout(row)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Corrected transcript")
        self.editor.setMinimumHeight(100)
        layout.addWidget(self.editor)
        buttons = QHBoxLayout()
        self.save = button("Save and score again", "primary", self)
        self.save.clicked.connect(self._save)
        buttons.addWidget(self.save)
        self.cancel = button("Cancel", "", self)
        self.cancel.clicked.connect(lambda: self._editing(False))
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._editing(False)

    def set_attempt(self, record: AttemptRecord | None) -> None:
        self.record = record
        self.setVisible(record is not None and record.transcript is not None)
        self.status.setText("")
        self._editing(False)

    def _editing(self, editing: bool) -> None:
        self.editor.setVisible(editing)
        self.save.setVisible(editing)
        self.cancel.setVisible(editing)
        self.open.setVisible(not editing)

    def _edit(self) -> None:
        if self.record is None or self.record.transcript is None:
            return
        self.editor.setPlainText(self.record.transcript.text)
        self._editing(True)
        self.editor.setFocus()

    def _save(self) -> None:
        record = self.record
        text = self.editor.toPlainText()
        if record is None or record.transcript is None:
            return
        if text.strip() == record.transcript.text.strip():
            self._editing(False)
            return
        services, database, attempt_id = self.services(), self.database, record.id
        self.save.setEnabled(False)
        self.status.setText("Scoring the corrected answer…")

        def done(updated: AttemptRecord) -> None:
            self.save.setEnabled(True)
            self.set_attempt(updated)
            self.status.setText("Scored with your correction; what was heard is kept.")
            self.on_corrected(updated)

        def failed(exc: Exception) -> None:
            self.save.setEnabled(True)
            self.status.setText("")
            self.messages.error(exc if isinstance(exc, KnownError) else f"The correction could not be scored ({exc})")

        self.runner.submit(lambda: correct_and_rescore(services, database, attempt_id, text), done, failed)
