"""The "Re-score with <model>" action: a scored answer judged again by the configured LLM on a worker.

The earlier score is kept. Shared by the review page and History's session detail; each host reloads the answer
when `rescored` fires.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QWidget

from tpm_coach.domain import AttemptRecord, ScoreResult
from tpm_coach.errors import KnownError
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.safe_text import tooltip

_NO_LLM = "No LLM is configured: choose one in Settings > Scoring to re-score answers with it."
_LONGEST_NAME = 28


def short_model_name(model: str) -> str:
    """A model name that fits on a button: a file path becomes its file name, a long name is cut."""
    name = model.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or model
    return name if len(name) <= _LONGEST_NAME else name[: _LONGEST_NAME - 1] + "…"


class RescoreControl(QWidget):
    """A button, a busy bar and a line saying what happened. One re-score runs at a time."""

    rescored = Signal(int)  # the attempt id, once its new score is stored and current
    busy_changed = Signal(bool)

    def __init__(self, deps: ViewDeps, runner: QtTaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.services = deps.services
        self.runner = runner
        self.record: AttemptRecord | None = None
        self.running: int | None = None  # the attempt being re-scored
        self._told: int | None = None  # the attempt whose outcome the status line tells
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.status = label("", "Muted", self, wrap=True)
        layout.addWidget(self.status, 1)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(90)
        self.busy.setAccessibleName("Re-scoring")
        self.busy.setVisible(False)
        layout.addWidget(self.busy)
        self.button = button("Re-score", "", self, icon_name="retry")
        self.button.clicked.connect(self.start)
        layout.addWidget(self.button)
        self.setVisible(False)

    def set_attempt(self, record: AttemptRecord | None) -> None:
        """Offer the action for `record` if it has a score; any answer with a score can be judged again."""
        self.record = record
        self.setVisible((record is not None and record.score is not None) or self.running is not None)
        # A reload of the same answer (None, then the answer again) keeps the outcome on screen.
        if self.running is None and record is not None and record.id != self._told:
            self._told = None
            self.status.setText("")
        self._update()

    def _update(self) -> None:
        llm = self.context.settings.llm
        model = llm.resolved_model()
        if llm.enabled and model:
            self.button.setText(f"Re-score with {short_model_name(model)}")
        else:
            self.button.setText("Re-score with an LLM")
        if not llm.enabled:
            self.button.setEnabled(False)
            self.button.setToolTip(_NO_LLM)
            if self.running is None:
                self.status.setText("No LLM is configured (Settings > Scoring).")
            return
        self.button.setToolTip(
            tooltip(f"Score this answer again with {model or 'the configured LLM'}; every earlier score is kept")
        )
        if self.running is not None:
            self.button.setEnabled(False)
            if self.record is not None and self.record.id != self.running:
                self.button.setToolTip(f"Answer #{self.running} is being re-scored; wait for it to finish")
            return
        self.button.setEnabled(True)

    def start(self) -> None:
        record = self.record
        llm = self.context.settings.llm
        if record is None or record.score is None or self.running is not None or not llm.enabled:
            return
        attempt_id, model = record.id, llm.resolved_model() or "the LLM"
        services = self.services()
        self._set_running(attempt_id)
        self.status.setText(f"Re-scoring answer #{attempt_id} with {model}…")

        def job() -> ScoreResult:
            return services.score_attempt(attempt_id, "llm")

        def done(result: ScoreResult) -> None:
            self._set_running(None)
            self._told = attempt_id
            self.status.setText(
                f"New score {result.overall:.1f} / {result.scale_max} ({result.judge_label}) is now current; "
                "the earlier score is kept."
            )
            self.messages.info(
                f"Answer #{attempt_id} re-scored: {result.overall:.1f} / {result.scale_max} by {result.judge_label}. "
                "The earlier score is kept; the feedback view lists both."
            )
            self.rescored.emit(attempt_id)

        def failed(exc: Exception) -> None:
            self._set_running(None)
            self._told = attempt_id
            self.status.setText("Re-scoring failed; the earlier score is still the current one.")
            reason = str(exc) if isinstance(exc, KnownError) else f"unexpected {type(exc).__name__}"
            self.messages.error(
                f"Answer #{attempt_id} could not be re-scored, so its earlier score stays current: {reason}",
                "Retry",
                lambda: self._retry(attempt_id),
            )

        self.runner.submit(job, done, failed)

    def _retry(self, attempt_id: int) -> None:
        # The message outlives the page it came from: retry only while that answer is still the one shown.
        if self.record is not None and self.record.id == attempt_id:
            self.start()

    def _set_running(self, attempt_id: int | None) -> None:
        self.running = attempt_id
        self.busy.setVisible(attempt_id is not None)
        self._update()
        if attempt_id is None:
            self.setVisible(self.record is not None and self.record.score is not None)
        self.busy_changed.emit(attempt_id is not None)
