"""Asks for the id and name of a copy of a bank, checking the id as it is typed."""

from __future__ import annotations

import re
from collections.abc import Collection

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.ui.bank_editor.form import ERROR_STYLE
from tpm_coach.ui.widgets.plain_label import PlainLabel

_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


def suggest_id(source_id: str, taken: Collection[str]) -> str:
    base = f"my-{source_id}"[:58]
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


class DuplicateBankDialog(QDialog):
    def __init__(self, source_id: str, source_name: str, taken: Collection[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Duplicate bank")
        self.setObjectName("duplicateBankDialog")
        self.taken = set(taken)
        self.bank_id = QLineEdit(suggest_id(source_id, self.taken))
        self.bank_id.setObjectName("duplicateId")
        self.name = QLineEdit(f"{display_safe(source_name)} (my copy)")  # a suggestion: no hidden characters
        self.name.setObjectName("duplicateName")
        self.error = PlainLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Duplicate")

        form = QFormLayout()
        form.addRow("New bank id", self.bank_id)
        form.addRow("Name", self.name)
        layout = QVBoxLayout(self)
        intro = PlainLabel(
            "The copy gets its own file you can edit. Its question ids start with the new bank id; "
            "skill ids stay the same, so your progress compares across both."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.bank_id.textChanged.connect(self._check)
        self.name.textChanged.connect(self._check)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._check()

    def problem(self) -> str:
        bank_id = self.bank_id.text().strip()
        if not _ID.fullmatch(bank_id):
            return "Use 1-64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit."
        if bank_id in self.taken:
            return f"A bank with the id '{bank_id}' already exists."
        if not self.name.text().strip():
            return "Give the copy a name."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def accept(self) -> None:
        if not self.problem():
            super().accept()
