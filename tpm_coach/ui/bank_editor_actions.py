"""The bank editor's bank-level actions: duplicate, import, export and delete whole banks.

A mixin of BankEditorView, kept apart so each file stays readable; it uses the view's context, messages,
draft, files and refresh/open_bank/confirm_leave.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from tpm_coach.banks import DEFAULT_BANK_ID
from tpm_coach.domain import Bank
from tpm_coach.errors import KnownError
from tpm_coach.ui.bank_editor_duplicate import DuplicateBankDialog

if TYPE_CHECKING:
    from tpm_coach.ui.bank_editor import BankEditorView


class BankActionsMixin:
    def ask_duplicate(self: BankEditorView) -> DuplicateBankDialog | None:
        if self.draft is None or not self.confirm_leave():
            return None
        source = self.context.banks.get(self.draft.bank_id).bank
        dialog = DuplicateBankDialog(source.id, source.name, self.context.banks.banks, self)
        dialog.accepted.connect(lambda: self.duplicate_bank(dialog.bank_id.text().strip(), dialog.name.text().strip()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def duplicate_bank(self: BankEditorView, new_id: str, name: str) -> bool:
        if self.draft is None:
            return False
        try:
            copy = self.context.banks.duplicate(self.draft.bank_id, new_id, name)
        except KnownError as exc:
            self.messages.error(exc, "Try again", self.ask_duplicate)
            return False
        self.draft = None  # the copy opens next; the source had no unsaved changes (asked above)
        self.refresh()
        self.open_bank(copy.id)
        self.messages.info(f"Created '{copy.name}'. Turn it on under Settings to practise with it.")
        self.banks_changed.emit()
        return True

    def _choose_import(self: BankEditorView) -> None:
        self.files.choose_import(self.context.banks.get(DEFAULT_BANK_ID).bank.competencies)

    def _imported(self: BankEditorView, result: tuple[Bank, Path]) -> None:
        bank, path = result
        existing = self.context.banks.banks.get(bank.id)
        if existing is not None and existing.read_only:
            self.messages.error(
                f"{path.name} uses the built-in bank's id '{bank.id}': give it another id and import it again",
                "Choose another file",
                self._choose_import,
            )
            return
        if existing is not None:
            answer = QMessageBox.question(
                self, "Replace bank", f"Replace your bank '{existing.bank.name}' with the one in {path.name}?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        if not self.confirm_leave():  # unsaved edits are saved or dropped first, never lost silently
            return
        try:
            self.context.banks.save(bank)
        except KnownError as exc:
            self.messages.error(exc)
            return
        self.draft = None
        self.refresh()
        self.open_bank(bank.id)
        self.messages.info(f"Imported '{bank.name}' ({len(bank.questions)} questions) from {path.name}")
        self.banks_changed.emit()

    def _choose_export(self: BankEditorView) -> None:
        if self.draft is None:
            return
        try:
            bank = self.draft.to_bank()
        except KnownError:
            self.messages.error("Fix the problems first: an exported bank must load", "Show them", self.validate_now)
            return
        self.files.choose_export(bank)

    def delete_bank(self: BankEditorView) -> bool:
        if self.draft is None or self.draft.read_only:
            return False
        name = self.draft.data.get("name") or self.draft.bank_id
        answer = QMessageBox.question(
            self,
            "Delete bank",
            f"Delete the bank '{name}' and its file? Past answers keep their questions.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.context.banks.delete(self.draft.bank_id)
        except KnownError as exc:
            self.messages.error(exc)
            return False
        self.draft = None
        self.refresh()
        self.messages.info(f"Deleted the bank '{name}'.")
        self.banks_changed.emit()
        return True
