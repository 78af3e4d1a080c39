"""Settings > Transcription > Speech models: the offered models, and for the recommended one a download with
progress, a measurement on this computer, and a switch to it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tpm_coach.config import TranscriptionEngine, TranscriptionSettings
from tpm_coach.errors import KnownError
from tpm_coach.paths import DataPaths
from tpm_coach.transcription.catalogue import (
    BUNDLED,
    CATALOGUE,
    RECOMMENDED,
    CatalogueModel,
    get,
    installed_dir,
    machine_allows,
)
from tpm_coach.transcription.download import DownloadCancelled, DownloadProgress
from tpm_coach.transcription.trial import TrialCancelled, TrialResult
from tpm_coach.ui.settings.transcription import language_note
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.workers import Worker

COLUMNS = ("Model", "Size", "Languages", "Accuracy (read speech)", "On this computer")
_STEPS = 1000


def _download_and_measure(
    model: CatalogueModel,
    settings: TranscriptionSettings,
    data_paths: DataPaths,
    *,
    cancel: threading.Event,
    progress: Callable[[object], None],
) -> TrialResult:
    """On a worker thread: download the model unless it is here, then measure it in a child process."""
    from tpm_coach.storage.speech_samples import latest_spoken_recording
    from tpm_coach.transcription.download import download_model
    from tpm_coach.transcription.trial import TAIL_S, WINDOW_S, choose_sample, measure_model

    if not model.bundled and installed_dir(model.name) is None:
        download_model(model.name, model.repo, progress=progress, cancel=cancel)
    progress("choosing a recording to measure on")
    recording = latest_spoken_recording(data_paths, WINDOW_S + TAIL_S)
    sample = choose_sample(recording)
    trial = settings.model_copy(update={"model": model.name, "engine": TranscriptionEngine.LOCAL})
    return measure_model(trial, sample, cancel=cancel, stage=progress)


class SpeechModelsPanel(QWidget):
    use_requested = Signal(str)  # the model name the person chose to transcribe with

    def __init__(
        self,
        runner: QtTaskRunner,
        settings: Callable[[], TranscriptionSettings],
        data_paths: Callable[[], DataPaths],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._settings = settings
        self._data_paths = data_paths
        self._worker: Worker | None = None
        self._result: TrialResult | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(label("Speech models", "SectionTitle", self))
        self.table = QTableWidget(len(CATALOGUE), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        allowed, why_not = machine_allows()
        self.recommended = get(RECOMMENDED) if allowed else None
        self.advice = label("", "", self, wrap=True)
        layout.addWidget(self.advice)
        row = QHBoxLayout()
        self.download = button("Download and measure", "primary", self)
        self.download.clicked.connect(self.start)
        row.addWidget(self.download)
        self.cancel = button("Cancel", "", self)
        self.cancel.clicked.connect(self.stop)
        row.addWidget(self.cancel)
        self.use = button("Use this model", "", self)
        self.use.clicked.connect(self._use)
        row.addWidget(self.use)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, _STEPS)
        layout.addWidget(self.progress)
        self.status = label("", "Muted", self, wrap=True)
        layout.addWidget(self.status)
        self.cost = label("", "", self, wrap=True)
        layout.addWidget(self.cost)
        if self.recommended is None:
            self.advice.setText(f"The built-in model suits this computer best: {why_not}.")
        self.refresh()
        rows = self.table.verticalHeader().defaultSectionSize() * self.table.rowCount()
        self.table.setFixedHeight(rows + self.table.horizontalHeader().sizeHint().height() + 4)

    # -- what is shown ----------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self._settings().model.strip() or BUNDLED
        for row, offered in enumerate(CATALOGUE):
            size = f"{offered.size_mb} MB" if offered.size_exact else f"about {offered.size_mb} MB"
            if offered.bundled:
                where = "built in"
            elif installed_dir(offered.name) is not None:
                where = "downloaded"
            else:
                where = "not downloaded"
            if offered.name == current:
                where += ", in use"
            cells = (offered.name, size, offered.languages, offered.accuracy_text, where)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        busy = self._worker is not None
        self.cancel.setVisible(busy)
        self.progress.setVisible(busy)
        model = self.recommended
        if model is None:
            for widget in (self.download, self.use):
                widget.setVisible(False)
            return
        here = installed_dir(model.name) is not None
        bundled = get(BUNDLED)
        if not busy and self._result is None:
            self.advice.setText(
                f"Recommended for this computer: {model.name} ({model.size_mb} MB), more accurate than the "
                f"built-in {bundled.name} ({model.accuracy_text} against {bundled.accuracy_text}). "
                + language_note(model.name, self._settings().language)
            )
        self.download.setText("Measure on this computer" if here else "Download and measure")
        self.download.setEnabled(not busy)
        in_use = current == model.name
        self.use.setText("In use" if in_use else "Use this model")
        self.use.setEnabled(here and not busy and not in_use)

    # -- the work -------------------------------------------------------------------------------
    def start(self) -> None:
        model = self.recommended
        if model is None or self._worker is not None:
            return
        self._result = None
        self.cost.setText("")
        self.status.setText("Starting…")
        self.progress.setRange(0, _STEPS)
        self.progress.setValue(0)
        worker = Worker(_download_and_measure, model, self._settings(), self._data_paths())
        post = self._runner.post
        worker.signals.progress.connect(lambda report: post(lambda: self._on_progress(report)))
        worker.signals.finished.connect(lambda result: post(lambda: self._on_done(result)))
        worker.signals.failed.connect(lambda exc: post(lambda: self._on_failed(exc)))
        self._worker = self._runner.workers.start(worker)
        self.refresh()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.status.setText("Cancelling…")

    def _on_progress(self, report: object) -> None:
        if isinstance(report, DownloadProgress):
            fraction = report.fraction
            self.status.setText(f"Downloading {report.text}")
            if fraction is not None:
                self.progress.setValue(round(fraction * _STEPS))
        else:
            self.progress.setRange(0, 0)  # measuring: no fraction to show, only that it is working
            self.status.setText(f"Measuring: {report}…")

    def _on_done(self, result: object) -> None:
        self._worker = None
        if not isinstance(result, TrialResult):
            return
        self._result = result
        self.status.setText(f"Measured on {result.sample} ({result.sample_s:.0f} s).")
        self.cost.setText(result.summary())
        self.refresh()

    def _on_failed(self, exc: object) -> None:
        self._worker = None
        if isinstance(exc, (DownloadCancelled, TrialCancelled)):
            self.status.setText("Cancelled. Nothing was changed.")
        elif isinstance(exc, KnownError):
            self.status.setText(str(exc))
        else:
            self.status.setText(f"Failed: {exc}")
        self.refresh()

    def _use(self) -> None:
        if self.recommended is not None:
            self.use_requested.emit(self.recommended.name)

    @property
    def running(self) -> bool:
        return self._worker is not None
