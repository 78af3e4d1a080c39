"""Export a session report as Markdown, HTML or PDF; reading, rendering and writing run in a worker.

PDF comes from the same escaped HTML, laid out by QTextDocument and printed to QPdfWriter (both usable off the
GUI thread), so no extra dependency is needed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from tpm_coach.context import AppContext
from tpm_coach.errors import KnownError, StorageError
from tpm_coach.history import Progress, load_session_report
from tpm_coach.reports import ReportFormat, render_html, write_text_report
from tpm_coach.ui.messages import Message, MessageSink
from tpm_coach.ui.workers import Worker, WorkerPool

_FILTERS = {
    "PDF document (*.pdf)": ReportFormat.PDF,
    "HTML page (*.html *.htm)": ReportFormat.HTML,
    "Markdown (*.md)": ReportFormat.MARKDOWN,
}


def write_pdf(html: str, path: Path, title: str = "") -> None:
    """Lay out `html` on A4 pages and write it to `path` atomically (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    document = QTextDocument()
    document.setHtml(html)
    writer = QPdfWriter(str(temporary))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    writer.setCreator("tpm_coach")
    try:
        document.print_(writer)
        del writer  # finishes the file
        if not temporary.is_file() or temporary.stat().st_size == 0:
            raise StorageError(f"cannot write the report to {path}", "check the folder is writable")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def export_report(
    database_path: Path,
    session_id: int,
    bank_names: dict[str, str],
    path: Path,
    fmt: ReportFormat,
    *,
    cancel: threading.Event,
    progress: Progress,
) -> Path:
    report = load_session_report(database_path, session_id, bank_names, cancel=cancel, progress=progress)
    if fmt is ReportFormat.PDF:
        try:
            write_pdf(render_html(report), path, report.title)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StorageError(f"cannot write the report to {path}: {reason}", "choose another folder") from exc
    else:
        write_text_report(report, path, fmt)
    return path


class ReportExporter(QObject):
    exported = Signal(object)  # the Path written
    failed = Signal(object)  # the exception

    def __init__(
        self, context: AppContext, messages: MessageSink, workers: WorkerPool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.workers = workers
        self.dialog_parent = parent
        self.folder = Path.home()

    def choose_and_export(self, session_id: int) -> QFileDialog:
        """Open a save dialog (non-blocking); the export starts when a file is chosen."""
        dialog = QFileDialog(self.dialog_parent, "Export session report")
        dialog.setObjectName("exportReportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters(list(_FILTERS))
        dialog.setDirectory(str(self.folder))
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile(f"tpm-session-{session_id}.pdf")
        dialog.filterSelected.connect(lambda name: dialog.setDefaultSuffix(_FILTERS[name].value))
        dialog.fileSelected.connect(lambda chosen: self._chosen(session_id, Path(chosen), dialog.selectedNameFilter()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _chosen(self, session_id: int, path: Path, name_filter: str) -> None:
        self.folder = path.parent
        try:
            fmt = ReportFormat.from_path(path)
        except KnownError:
            fmt = _FILTERS.get(name_filter, ReportFormat.PDF)
            path = path.with_name(f"{path.name}.{fmt.value}")
        self.export(session_id, path, fmt)

    def export(self, session_id: int, path: Path, fmt: ReportFormat | None = None) -> Worker:
        fmt = fmt or ReportFormat.from_path(path)
        names = {bank_id: loaded.bank.name for bank_id, loaded in self.context.banks.banks.items()}
        worker = Worker(export_report, self.context.data_paths.database, session_id, names, path, fmt)
        worker.signals.finished.connect(self._done)
        worker.signals.failed.connect(lambda exc: self._failed(exc, session_id, path, fmt))
        self.workers.start(worker)
        return worker

    def _done(self, path: Path) -> None:
        url = QUrl.fromLocalFile(str(path))
        self.messages.post(Message("info", f"Saved the report to {path}", "Open", lambda: _open(url)))
        self.exported.emit(path)

    def _failed(self, exc: Exception, session_id: int, path: Path, fmt: ReportFormat) -> None:
        retry = lambda: self.export(session_id, path, fmt)  # noqa: E731 - a one-line action
        text = exc if isinstance(exc, KnownError) else f"Could not export the report: {exc}"
        self.messages.error(text, "Try again", retry)
        self.failed.emit(exc)


def _open(url: QUrl) -> None:
    QDesktopServices.openUrl(url)
