"""The bank editor's top rows: which bank, its state, the bank-level actions, and the read-only notice."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.ui.style import button, label


class BankToolbar(QWidget):
    duplicate_clicked = Signal()
    import_clicked = Signal()
    export_clicked = Signal()
    delete_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bank = QComboBox()
        self.bank.setObjectName("bankChoice")
        self.bank.setMinimumWidth(280)
        self.read_only_chip = label("Read-only", "Chip")
        self.dirty_chip = label("Unsaved changes", "ChipWarn")
        self.import_button = button("Import…")
        self.export_button = button("Export…")
        self.duplicate_button = button("Duplicate…")
        self.delete_button = button("Delete bank…")
        self.notice = QFrame()
        self.notice.setObjectName("Card")
        notice_row = QHBoxLayout(self.notice)
        notice_row.setContentsMargins(12, 8, 12, 8)
        text = label(
            "The built-in bank is read-only, so updates to it never overwrite your work. "
            "Duplicate it to customise its questions and rubrics.",
            wrap=True,
        )
        self.notice_duplicate = button("Duplicate this bank…", "primary")
        notice_row.addWidget(text, 1)
        notice_row.addWidget(self.notice_duplicate)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label("Bank"))
        row.addWidget(self.bank)
        row.addWidget(self.read_only_chip)
        row.addWidget(self.dirty_chip)
        row.addStretch(1)
        for widget in (self.import_button, self.export_button, self.duplicate_button, self.delete_button):
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.notice)

        self.duplicate_button.clicked.connect(self.duplicate_clicked)
        self.notice_duplicate.clicked.connect(self.duplicate_clicked)
        self.import_button.clicked.connect(self.import_clicked)
        self.export_button.clicked.connect(self.export_clicked)
        self.delete_button.clicked.connect(self.delete_clicked)
        self.set_dirty(False)

    def set_banks(self, banks: Sequence[tuple[str, str, bool]], current: str) -> None:
        """(id, name, read-only) for every bank; the built-in one first, then by name."""
        ordered = sorted(banks, key=lambda b: (not b[2], b[1].lower()))
        self.bank.blockSignals(True)
        self.bank.clear()
        for bank_id, name, read_only in ordered:
            self.bank.addItem(display_safe(f"{name} ({bank_id})") + (" — built-in" if read_only else ""), bank_id)
        self.bank.blockSignals(False)
        self.select(current)

    def select(self, bank_id: str) -> None:
        self.bank.blockSignals(True)
        index = self.bank.findData(bank_id)
        if index >= 0:
            self.bank.setCurrentIndex(index)
        self.bank.blockSignals(False)

    def current_id(self) -> str | None:
        data = self.bank.currentData()
        return str(data) if data is not None else None

    def set_read_only(self, read_only: bool) -> None:
        self.read_only_chip.setVisible(read_only)
        self.notice.setVisible(read_only)
        self.delete_button.setEnabled(not read_only)

    def set_dirty(self, dirty: bool) -> None:
        self.dirty_chip.setVisible(dirty)
