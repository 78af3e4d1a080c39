"""Importing and exporting bank files for the bank editor: file dialogs, and parsing in a worker.

A bank file may be up to a few megabytes of YAML, which takes seconds to parse and validate, so the import
reads and checks it off the GUI thread; the editor then saves it into the library.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from tpm_coach.banks import bank_to_data, dump_json, dump_yaml, load_bank
from tpm_coach.domain import Bank, Competency
from tpm_coach.errors import KnownError, StorageError
from tpm_coach.history import Progress
from tpm_coach.storage.atomic import atomic_write_bytes
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import Worker, WorkerPool

BANK_FILTERS = "Question banks (*.yaml *.yml);;All files (*)"
EXPORT_FILTERS = {"YAML (*.yaml)": "yaml", "JSON (*.json)": "json"}


def read_bank(path: Path, known: list[Competency], *, cancel: threading.Event, progress: Progress) -> tuple[Bank, Path]:
    return load_bank(path, known), path


def write_bank(bank: Bank, path: Path) -> None:
    """YAML, or JSON for a .json name; written atomically."""
    data = bank_to_data(bank)
    text = dump_json(data) if path.suffix.lower() == ".json" else dump_yaml(data)
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}", "choose another folder") from exc


class BankFiles(QObject):
    imported = Signal(object)  # (Bank, Path): read and valid, not yet in the library
    import_failed = Signal(object)
    exported = Signal(object)  # Path

    def __init__(self, messages: MessageSink, workers: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.workers = workers
        self.dialog_parent = parent
        self.folder = Path.home()

    # -- import ------------------------------------------------------------------------------------
    def choose_import(self, known: list[Competency]) -> QFileDialog:
        dialog = QFileDialog(self.dialog_parent, "Import a question bank", str(self.folder), BANK_FILTERS)
        dialog.setObjectName("importBankDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(lambda chosen: self.start_import(Path(chosen), known))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def start_import(self, path: Path, known: list[Competency]) -> Worker:
        self.folder = path.parent
        worker = Worker(read_bank, path, known)
        worker.signals.finished.connect(self.imported)
        worker.signals.failed.connect(lambda exc: self._import_failed(exc, known))
        self.workers.start(worker)
        return worker

    def _import_failed(self, exc: Exception, known: list[Competency]) -> None:
        text = exc if isinstance(exc, KnownError) else f"Could not import the bank: {exc}"
        self.messages.error(text, "Choose another file", lambda: self.choose_import(known))
        self.import_failed.emit(exc)

    # -- export ------------------------------------------------------------------------------------
    def choose_export(self, bank: Bank) -> QFileDialog:
        dialog = QFileDialog(self.dialog_parent, "Export the question bank", str(self.folder))
        dialog.setObjectName("exportBankDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(list(EXPORT_FILTERS))
        dialog.setDefaultSuffix("yaml")
        dialog.selectFile(f"{bank.id}.yaml")
        dialog.filterSelected.connect(lambda name: dialog.setDefaultSuffix(EXPORT_FILTERS[name]))
        dialog.fileSelected.connect(lambda chosen: self.export_to(bank, Path(chosen)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def export_to(self, bank: Bank, path: Path) -> bool:
        self.folder = path.parent
        try:
            write_bank(bank, path)
        except KnownError as exc:
            self.messages.error(exc, "Choose another file", lambda: self.choose_export(bank))
            return False
        self.messages.info(f"Exported '{bank.name}' to {path}")
        self.exported.emit(path)
        return True
