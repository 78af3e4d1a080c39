"""One past session: its answers, each with the recording, transcript, scores and feedback, and re-scoring."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QListView, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.errors import KnownError
from tpm_coach.history import load_session
from tpm_coach.reports import answer_content, answer_html, format_score, format_when, page
from tpm_coach.reports.html import esc
from tpm_coach.reports.threads import thread_answers
from tpm_coach.storage import AttemptRecord, SessionSummary
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.feedback.rescore import RescoreControl
from tpm_coach.ui.history.session_audio import SessionAudioPlayer
from tpm_coach.ui.history.session_name import SessionNameEditor
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.safe_text import SafeTextBrowser, tooltip

ATTEMPT_ROLE = Qt.ItemDataRole.UserRole + 1


class SessionDetailView(QWidget):
    back_requested = Signal()
    attempt_requested = Signal(int)
    delete_requested = Signal(int)  # session id
    export_requested = Signal(int)  # session id
    loaded = Signal(int)  # session id, once its answers are shown
    attempt_rescored = Signal(int)  # attempt id, once a new score of it is stored and current
    renamed = Signal(int)  # session id, once its new name is stored

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = messages = deps.messages
        self.loads = LatestOnly(deps.workers)
        self.summary: SessionSummary | None = None
        self.attempts: list[AttemptRecord] = []
        self.labels: list[str] = []  # each answer's label, grouped under its question

        self.back_button = button("← All sessions", "link")
        self.title = label("", "PageTitle")
        self.facts = label("", "Muted", wrap=True)
        self.name_editor = SessionNameEditor(lambda: self.context.database, messages)
        self.name_editor.renamed.connect(self._renamed)
        self.export_button = button("Export report…")
        self.delete_button = button("Delete session…")
        self.answers = QListWidget()
        self.answers.setObjectName("sessionAnswers")
        self.answers.setWordWrap(True)
        self.answers.setSpacing(2)
        self.answers.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap the items when the splitter moves
        self.answers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.player = SessionAudioPlayer(messages)
        self.feedback_button = button("Open in feedback view", "primary")
        self.runner = QtTaskRunner(deps.workers, self)
        self.rescore = RescoreControl(deps, self.runner)
        self.browser = SafeTextBrowser()
        self.browser.setObjectName("Transcript")
        self._build_layout()
        self.back_button.clicked.connect(self._back)
        self.export_button.clicked.connect(self._export)
        self.delete_button.clicked.connect(self._delete)
        self.feedback_button.clicked.connect(self._open_feedback)
        self.answers.currentItemChanged.connect(self._answer_selected)
        self.answers.itemActivated.connect(lambda _item: self._open_feedback())
        self.rescore.rescored.connect(self.attempt_rescored)
        self._set_enabled(False)

    def _build_layout(self) -> None:
        self.setObjectName("PageBody")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.name_editor)
        header.addWidget(self.export_button)
        header.addWidget(self.delete_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        controls.addWidget(self.player, 1)
        controls.addWidget(self.feedback_button)
        right_layout.addLayout(controls)
        right_layout.addWidget(self.rescore)
        right_layout.addWidget(self.browser, 1)
        splitter = QSplitter()
        splitter.addWidget(self.answers)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 720])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(header)
        layout.addWidget(self.facts)
        layout.addWidget(splitter, 1)

    # -- loading -----------------------------------------------------------------------------------
    def show_session(self, summary: SessionSummary, *, keep_answer: bool = False) -> None:
        """Load and show a session's answers; `keep_answer` reselects the answer shown before (a reload)."""
        row = self.answers.currentRow() if keep_answer else 0
        self.summary = summary
        self.attempts = []
        self.answers.clear()
        self.player.set_source(None)
        self.browser.setHtml(page("", "<p>Loading the answers…</p>"))
        self.title.setText(summary.title or f"Practice session {summary.id}")
        self.name_editor.set_session(summary.id, summary.title)
        banks = ", ".join(self._bank_name(b) for b in summary.bank_ids)
        self.facts.setText(
            f"{format_when(summary.started_at)} · {banks} · {summary.attempt_count} answers · "
            f"overall {format_score(summary.overall)}"
        )
        self._set_enabled(False)
        self.loads.start(
            load_session,
            self.context.data_paths.database,
            summary.id,
            done=lambda attempts: self._loaded(attempts, row),
            failed=self._failed,
        )

    def _loaded(self, attempts: list[AttemptRecord], row: int = 0) -> None:
        if self.summary is None:
            return
        threaded = thread_answers(attempts)
        self.attempts = [t.record for t in threaded]
        self.labels = [t.label for t in threaded]
        for answer in threaded:
            attempt = answer.record
            score = "" if attempt.score is None else f"  ·  {attempt.score.overall:.1f}/{attempt.score.scale_max}"
            indent = "    " * answer.depth
            text = (
                f"{indent}{answer.label}. {attempt.competency.name}{score}\n{indent}{_excerpt(attempt.question.text)}"
            )
            item = QListWidgetItem(display_safe(text))
            item.setData(ATTEMPT_ROLE, attempt.id)
            item.setToolTip(tooltip(attempt.question.text))
            self.answers.addItem(item)
        self._set_enabled(True)
        if attempts:
            self.answers.setCurrentRow(min(max(row, 0), len(attempts) - 1))
        else:
            self.browser.setHtml(page("", "<p>This session has no answers.</p>"))
        self.loaded.emit(self.summary.id)

    def _failed(self, exc: Exception) -> None:
        self.browser.setHtml(page("", "<p>The answers could not be loaded.</p>"))
        summary = self.summary
        retry = (lambda: self.show_session(summary)) if summary else None
        if isinstance(exc, KnownError):
            self.messages.error(exc, "Try again", retry)
        else:
            self.messages.error(f"Could not load the session: {exc}", "Try again", retry)

    # -- one answer --------------------------------------------------------------------------------
    def current_attempt(self) -> AttemptRecord | None:
        row = self.answers.currentRow()
        return self.attempts[row] if 0 <= row < len(self.attempts) else None

    def _answer_selected(self) -> None:
        attempt = self.current_attempt()
        self.feedback_button.setEnabled(attempt is not None)
        self.rescore.set_attempt(attempt)
        if attempt is None:
            self.player.set_source(None)
            return
        audio = None
        if attempt.audio_path:
            try:
                audio = self.context.data_paths.absolute(attempt.audio_path)
            except ValueError:
                audio = None
        self.player.set_source(audio, attempt.duration_s)
        row = self.answers.currentRow()
        content = answer_content(attempt, row + 1, self.labels[row] if 0 <= row < len(self.labels) else "")
        question = f"<h2>{esc(content.label)}. {esc(content.question)}</h2>"
        self.browser.setHtml(page(content.question, question + answer_html(content, heading=False)))

    def _open_feedback(self) -> None:
        attempt = self.current_attempt()
        if attempt is not None:
            self.player.stop()
            self.attempt_requested.emit(attempt.id)

    # -- actions -----------------------------------------------------------------------------------
    def _renamed(self, session_id: int, title: str) -> None:
        self.title.setText(title)
        self.renamed.emit(session_id)

    def _back(self) -> None:
        self.player.stop()
        self.back_requested.emit()

    def _export(self) -> None:
        if self.summary is not None:
            self.export_requested.emit(self.summary.id)

    def _delete(self) -> None:
        if self.summary is not None:
            self.player.stop()
            self.delete_requested.emit(self.summary.id)

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.export_button, self.delete_button, self.feedback_button):
            widget.setEnabled(on)

    def _bank_name(self, bank_id: str) -> str:
        loaded = self.context.banks.banks.get(bank_id)
        return loaded.bank.name if loaded else bank_id

    def hideEvent(self, event: QHideEvent) -> None:
        self.player.stop()  # leaving the page silences the recording
        super().hideEvent(event)


def _excerpt(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
