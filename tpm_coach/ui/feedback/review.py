"""Reviewing one stored attempt (opened from History): its feedback, finishing it if it is unscored, and judging
it again with the LLM (every score is kept; any of them can be made current)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.domain import AttemptStatus
from tpm_coach.errors import KnownError, StorageError
from tpm_coach.practice.recovery import finish_attempt
from tpm_coach.practice.wiring import attempts_for_worker
from tpm_coach.scoring.base import ScorerChoice
from tpm_coach.storage import AttemptRecord
from tpm_coach.storage.coach import CoachRepository
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.feedback.compare import CompareDialog
from tpm_coach.ui.feedback.rescore import RescoreControl
from tpm_coach.ui.feedback.view import FeedbackView
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner

_UNFINISHED = (AttemptStatus.RECORDED, AttemptStatus.TRANSCRIBED, AttemptStatus.SCORING_FAILED)


class ReviewPage(QWidget):
    back_clicked = Signal()
    attempt_changed = Signal(int)  # scored again, or another score made current: History and Progress refresh

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.runner = QtTaskRunner(deps.workers, self)
        self.services = deps.services
        self.record: AttemptRecord | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        bar = QHBoxLayout()
        self.back = button("← Back", "link", self)
        self.back.setShortcut("Alt+Left")
        self.back.clicked.connect(self.back_clicked)
        bar.addWidget(self.back)
        self.title = label("", "Caption", self)
        bar.addWidget(self.title, 1)
        self.working = label("", "Muted", self)
        bar.addWidget(self.working)
        self.finish = button("Retry scoring", "primary", self, icon_name="retry")
        self.finish.clicked.connect(lambda: self._finish("auto"))
        bar.addWidget(self.finish)
        self.offline = button("Score offline", "", self)
        self.offline.clicked.connect(lambda: self._finish("offline"))
        bar.addWidget(self.offline)
        self.compare = button("Compare attempts", "", self)
        self.compare.clicked.connect(self._compare)
        bar.addWidget(self.compare)
        layout.addLayout(bar)
        self.rescore = RescoreControl(deps, self.runner, self)
        self.rescore.rescored.connect(self._rescored)
        layout.addWidget(self.rescore)
        self.view = FeedbackView(self, can_make_current=True)
        self.view.story_bar.configure(deps)
        self.view.make_current_requested.connect(self._make_current)
        self.rescore.busy_changed.connect(self._rescore_busy)
        layout.addWidget(self.view, 1)
        self._siblings: list[AttemptRecord] = []

    def show_attempt(self, attempt_id: int) -> None:
        record = self.context.attempts.get(attempt_id)
        self.record = record
        self.title.setText(f"ANSWER #{record.id} · SESSION #{record.session_id}")
        self.view.show_record(record, CoachRepository(self.context.database).review(record.id))
        self.rescore.set_attempt(record)
        self._rescore_busy(self.rescore.running is not None)
        unfinished = record.status in _UNFINISHED
        self.finish.setVisible(unfinished)
        self.finish.setEnabled(True)
        self.finish.setText("Retry scoring" if record.transcript is not None else "Transcribe and score")
        self.offline.setVisible(unfinished and record.transcript is not None)
        self.working.setText("")
        self._siblings = [
            r for r in self.context.attempts.list_for_session(record.session_id) if r.question.id == record.question.id
        ]
        self.compare.setVisible(len(self._siblings) > 1)

    def _finish(self, scorer: ScorerChoice) -> None:
        record = self.record
        if record is None:
            return
        self.finish.setEnabled(False)
        self.offline.setEnabled(False)
        self.working.setText("Scoring…" if record.transcript is not None else "Transcribing and scoring…")
        services = self.services()
        db_path, data_paths, attempt_id = self.context.data_paths.database, self.context.data_paths, record.id

        def job() -> None:
            if scorer == "offline":
                services.score_attempt(attempt_id, "offline")
                return
            with attempts_for_worker(db_path) as attempts:
                finish_attempt(attempt_id, attempts, data_paths, services)

        def done(_: object) -> None:
            self.offline.setEnabled(True)
            self.show_attempt(attempt_id)
            self.attempt_changed.emit(attempt_id)

        def failed(exc: Exception) -> None:
            self.offline.setEnabled(True)
            self.show_attempt(attempt_id)
            text = str(exc) if isinstance(exc, KnownError) else f"Scoring failed unexpectedly ({type(exc).__name__})"
            self.messages.error(text, "Retry", lambda: self._finish(scorer))

        self.runner.submit(job, done, failed)

    def _rescored(self, attempt_id: int) -> None:
        if self.record is not None and self.record.id == attempt_id:
            self.show_attempt(attempt_id)
        self.attempt_changed.emit(attempt_id)

    def _rescore_busy(self, busy: bool) -> None:
        self.view.scores.set_busy(busy and self.record is not None and self.rescore.running == self.record.id)

    def _make_current(self, score_id: int) -> None:
        record = self.record
        if record is None:
            return
        try:
            self.context.attempts.make_current(record.id, score_id)  # one short write
        except StorageError as exc:
            self.messages.error(exc)
            return
        self.show_attempt(record.id)
        self.attempt_changed.emit(record.id)

    def _compare(self) -> None:
        dialog = CompareDialog(self._siblings, self)
        dialog.show()
