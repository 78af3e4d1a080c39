"""Settings > Practice & data: the data folder and the active banks (per-session choices are on the Practice
page)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from tpm_coach.banks import DEFAULT_BANK_ID, BankLibrary
from tpm_coach.config import Settings
from tpm_coach.display_text import display_safe
from tpm_coach.paths import default_data_dir
from tpm_coach.ui.practice.setup import LOADING
from tpm_coach.ui.style import button, label


class PracticeDataSection(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.addRow(
            "",
            label(
                "Thinking time, the time limit and reading questions aloud are chosen for each session on the "
                "Practice page.",
                "Muted",
                self,
                wrap=True,
            ),
        )

        folder_row = QHBoxLayout()
        self.data_dir = QLineEdit(self)
        self.data_dir.setPlaceholderText(str(default_data_dir()))
        folder_row.addWidget(self.data_dir, 1)
        self.browse = button("Choose…", "", self)
        self.browse.clicked.connect(self._browse)
        folder_row.addWidget(self.browse)
        form.addRow("Data folder", folder_row)
        form.addRow(
            "",
            label(
                "Your answers, recordings and banks live here. Changing it opens the database in "
                "the new folder; nothing is moved or deleted.",
                "Muted",
                self,
                wrap=True,
            ),
        )
        self.banks = QListWidget(self)
        self.banks.setMinimumHeight(110)
        self.banks.setAccessibleName("Active question banks")
        form.addRow("Active banks", self.banks)
        self._listed = False

    def load(self, settings: Settings, library: BankLibrary | None, waiting: str = LOADING) -> None:
        """Show `settings`; the bank list shows `waiting` instead while `library` is None (not read yet)."""
        self.data_dir.setText(settings.data_dir)
        self.show_banks(settings.active_banks, library, waiting)

    def show_banks(self, active: list[str], library: BankLibrary | None, waiting: str = LOADING) -> None:
        """List `library`'s banks with `active` ticked; `waiting` alone while there is no library."""
        self.banks.clear()
        self._listed = library is not None
        self.banks.setEnabled(library is not None)
        if library is None:
            QListWidgetItem(waiting, self.banks)
            return
        for bank_id, loaded in sorted(library.banks.items(), key=lambda kv: (kv[0] != DEFAULT_BANK_ID, kv[0])):
            suffix = " (built in)" if loaded.read_only else ""
            name = display_safe(loaded.bank.name)
            item = QListWidgetItem(f"{name}{suffix}  ·  {len(loaded.bank.questions)} questions", self.banks)
            item.setData(Qt.ItemDataRole.UserRole, bank_id)
            ticked = bank_id in active
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def active_banks(self, current: list[str]) -> list[str]:
        """The banks ticked; `current` as it is while the list is not shown (the banks are still being read)."""
        if not self._listed:
            return list(current)
        items = [self.banks.item(i) for i in range(self.banks.count())]
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the data folder", self.data_dir.text())
        if chosen:
            self.data_dir.setText(chosen)
