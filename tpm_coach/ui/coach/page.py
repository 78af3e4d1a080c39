"""The Coach page: import a session package, pick an answer, grade it, and export the reviewed package back.

Import and export unpack or write whole files, so they run on workers; listing sessions is two small queries.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tpm_coach.coach.export import ExportResult, export_session
from tpm_coach.coach.importer import ImportResult, import_session
from tpm_coach.coach.package_format import SUFFIX
from tpm_coach.errors import KnownError
from tpm_coach.storage import Database
from tpm_coach.storage.coach import CoachRepository
from tpm_coach.ui.coach.review_view import CoachReviewView
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner

_FILTER = f"Session packages (*{SUFFIX});;All files (*)"


class CoachPage(QWidget):
    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.runner = QtTaskRunner(deps.workers, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Coach", "PageTitle", self))
        intro = (
            "Share a session as one file: a coach imports it, grades each answer and exports it back; "
            "imported sessions stay out of your progress unless you count them."
        )
        layout.addWidget(label(intro, "Muted", self, wrap=True))
        bar = QHBoxLayout()
        self.import_button = button("Import session package…", "primary", self)
        self.import_button.clicked.connect(self._choose_import)
        bar.addWidget(self.import_button)
        self.export_button = button("Export this session…", "", self)
        self.export_button.clicked.connect(self._choose_export)
        bar.addWidget(self.export_button)
        self.counted = QCheckBox("Count in my progress", self)
        self.counted.setObjectName("countInProgress")
        self.counted.toggled.connect(self._count_toggled)
        bar.addWidget(self.counted)
        self.status = label("", "Muted", self)
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)

        columns = QHBoxLayout()
        lists = QVBoxLayout()
        self.sessions = QListWidget(self)
        self.sessions.setObjectName("coachSessions")
        self.sessions.currentItemChanged.connect(self._session_chosen)
        lists.addWidget(self.sessions, 1)
        self.answers = QListWidget(self)
        self.answers.setObjectName("coachAnswers")
        self.answers.currentItemChanged.connect(self._answer_chosen)
        lists.addWidget(self.answers, 1)
        columns.addLayout(lists, 1)
        self.review = CoachReviewView(deps, self)
        self.review.saved.connect(lambda _: self._session_chosen(self.sessions.currentItem()))
        columns.addWidget(self.review, 3)
        layout.addLayout(columns, 1)

    # -- Page --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        origins = CoachRepository(self.context.database).origins()
        keep = self._current_session()
        self.sessions.blockSignals(True)
        self.sessions.clear()
        for summary in self.context.sessions.list_summaries(limit=500):
            origin = origins.get(summary.id)
            source = f" · from {origin.sender or 'someone'}" if origin else ""
            text = f"#{summary.id} {summary.title or 'Session'} · {summary.attempt_count} answers{source}"
            item = QListWidgetItem(text, self.sessions)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            if summary.id == keep:
                self.sessions.setCurrentItem(item)
        self.sessions.blockSignals(False)
        self._session_chosen(self.sessions.currentItem())

    def shutdown(self) -> None:
        self.runner.close()

    def confirm_close(self) -> bool:
        return True

    # -- choosing ----------------------------------------------------------------------------------
    def _current_session(self) -> int | None:
        item = self.sessions.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _session_chosen(self, item: QListWidgetItem | None) -> None:
        self.answers.blockSignals(True)
        self.answers.clear()
        self.answers.blockSignals(False)
        session_id = None if item is None else int(item.data(Qt.ItemDataRole.UserRole))
        origin = None if session_id is None else CoachRepository(self.context.database).origin(session_id)
        self.counted.blockSignals(True)
        self.counted.setVisible(origin is not None)
        self.counted.setChecked(bool(origin and origin.in_progress))
        self.counted.blockSignals(False)
        self.export_button.setEnabled(session_id is not None)
        if session_id is None:
            return
        records = self.context.attempts.list_for_session(session_id)
        reviews = CoachRepository(self.context.database).reviews([r.id for r in records])
        for record in records:
            graded = " · graded" if record.id in reviews else ""
            item_text = f"Answer {record.id}: {record.question.text[:70]}{graded}"
            answer = QListWidgetItem(item_text, self.answers)
            answer.setData(Qt.ItemDataRole.UserRole, record.id)

    def _answer_chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.review.show_attempt(int(item.data(Qt.ItemDataRole.UserRole)))

    def _count_toggled(self, counted: bool) -> None:
        session_id = self._current_session()
        if session_id is not None:
            CoachRepository(self.context.database).count_in_progress(session_id, counted)

    # -- files -------------------------------------------------------------------------------------
    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a session package", "", _FILTER)
        if path:
            self.import_package(Path(path))

    def import_package(self, path: Path) -> None:
        database, data_paths = self.context.data_paths.database, self.context.data_paths

        def job() -> ImportResult:
            # Its own connection: the worker never shares the window's.
            with Database.open(database) as db:
                return import_session(db, data_paths, path)

        self.status.setText(f"Checking and importing {path.name}…")
        self.runner.submit(job, self._imported, self._failed)

    def _imported(self, result: ImportResult) -> None:
        if result.returned:
            who = result.sender or "a coach"
            self.status.setText(f"Added {result.reviewed} review(s) by {who} to your session #{result.session_id}")
            self.refresh()
            return
        self.status.setText(
            f"Imported session #{result.session_id} from {result.sender or 'an unnamed sender'} "
            f"({len(result.attempt_ids)} answers, {result.reviewed} graded)"
        )
        self.refresh()

    def _choose_export(self) -> None:
        session_id = self._current_session()
        if session_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export the session", f"session-{session_id}{SUFFIX}", _FILTER)
        if path:
            self.export_package(session_id, Path(path))

    def export_package(self, session_id: int, path: Path) -> None:
        database, data_paths = self.context.data_paths.database, self.context.data_paths
        sender = self.review.coach_name.text().strip() or getpass.getuser()

        def job() -> ExportResult:
            with Database.open(database) as db:
                return export_session(db, data_paths, session_id, path, sender=sender)

        self.status.setText(f"Writing {path.name}…")
        self.runner.submit(job, self._exported, self._failed)

    def _exported(self, result: ExportResult) -> None:
        self.status.setText(f"Wrote {result.path} ({result.answers} answers, {result.recordings} recordings)")

    def _failed(self, exc: Exception) -> None:
        self.status.setText("")
        self.messages.error(exc if isinstance(exc, KnownError) else f"The package could not be handled: {exc}")
