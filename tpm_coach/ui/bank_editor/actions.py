"""The bank editor's bank-level actions: duplicate, import, export and delete whole banks.

The editor view hands itself over as the host: what the actions need from it is spelled out in BankEditorHost,
so this module does not import the view.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

from tpm_coach.banks import DEFAULT_BANK_ID
from tpm_coach.banks.draft import BankDraft
from tpm_coach.config import Settings, load_settings, save_settings
from tpm_coach.context import AppContext
from tpm_coach.domain import Bank
from tpm_coach.errors import KnownError
from tpm_coach.ui.bank_editor.duplicate import DuplicateBankDialog
from tpm_coach.ui.bank_editor.files import BankFiles
from tpm_coach.ui.messages import Message, MessageSink
from tpm_coach.ui.widgets.message_box import ask


class BankEditorHost(Protocol):
    """What the bank-level actions use of the editor view."""

    draft: BankDraft | None
    context: AppContext
    messages: MessageSink
    files: BankFiles
    banks_changed: SignalInstance

    def confirm_leave(self) -> bool: ...
    def refresh(self) -> None: ...
    def open_bank(self, bank_id: str) -> None: ...
    def validate_now(self) -> object: ...


class BankActions:
    def __init__(self, host: BankEditorHost, parent: QWidget) -> None:
        self.host = host
        self.parent = parent

    def ask_duplicate(self) -> DuplicateBankDialog | None:
        if self.host.draft is None or not self.host.confirm_leave():
            return None
        source = self.host.context.banks.get(self.host.draft.bank_id).bank
        dialog = DuplicateBankDialog(source.id, source.name, self.host.context.banks.banks, self.parent)
        dialog.accepted.connect(lambda: self.duplicate_bank(dialog.bank_id.text().strip(), dialog.name.text().strip()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def duplicate_bank(self, new_id: str, name: str) -> bool:
        if self.host.draft is None:
            return False
        source_id = self.host.draft.bank_id
        try:
            copy = self.host.context.banks.duplicate(source_id, new_id, name)
        except KnownError as exc:
            self.host.messages.error(exc, "Try again", self.ask_duplicate)
            return False
        self.host.draft = None  # the copy opens next; the source had no unsaved changes (asked above)
        self.host.refresh()
        self.host.open_bank(copy.id)
        self.host.messages.post(
            Message(
                "info",
                f"Created '{copy.name}'. Practice still asks from the banks turned on in Settings.",
                "Use this bank now",
                lambda: self.use_bank(copy.id, instead_of=source_id),
            )
        )
        self.host.banks_changed.emit()
        return True

    def use_bank(self, bank_id: str, *, instead_of: str = "") -> bool:
        """Turn `bank_id` on for practice, and `instead_of` off: a copy beside its source would ask every
        question twice. Saved to the settings file at once, so nothing waits for the Settings page's Save."""
        context = self.host.context
        active = [b for b in context.settings.active_banks if b not in (bank_id, instead_of)] + [bank_id]
        try:
            values = load_settings(environ={}).model_dump()
            values["active_banks"] = active
            save_settings(Settings.model_validate(values))
        except KnownError as exc:
            self.host.messages.error(exc, "Try again", lambda: self.use_bank(bank_id, instead_of=instead_of))
            return False
        context.settings.active_banks = active
        library = context.banks
        library.active_ids = list(active)
        library.reload()
        self.host.messages.info(f"Practice now asks from '{library.get(bank_id).bank.name}'.")
        self.host.banks_changed.emit()
        return True

    def choose_import(self) -> None:
        self.host.files.choose_import(self.host.context.banks.get(DEFAULT_BANK_ID).bank.competencies)

    def imported(self, result: tuple[Bank, Path]) -> None:
        bank, path = result
        existing = self.host.context.banks.banks.get(bank.id)
        if existing is not None and existing.read_only:
            self.host.messages.error(
                f"{path.name} uses the built-in bank's id '{bank.id}': give it another id and import it again",
                "Choose another file",
                self.choose_import,
            )
            return
        if existing is not None:
            answer = ask(
                self.parent, "Replace bank", f"Replace your bank '{existing.bank.name}' with the one in {path.name}?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        if not self.host.confirm_leave():  # unsaved edits are saved or dropped first, never lost silently
            return
        try:
            self.host.context.banks.save(bank)
        except KnownError as exc:
            self.host.messages.error(exc)
            return
        self.host.draft = None
        self.host.refresh()
        self.host.open_bank(bank.id)
        self.host.messages.info(f"Imported '{bank.name}' ({len(bank.questions)} questions) from {path.name}")
        self.host.banks_changed.emit()

    def choose_export(self) -> None:
        if self.host.draft is None:
            return
        try:
            bank = self.host.draft.to_bank()
        except KnownError:
            self.host.messages.error(
                "Fix the problems first: an exported bank must load", "Show them", self.host.validate_now
            )
            return
        self.host.files.choose_export(bank)

    def delete_bank(self) -> bool:
        if self.host.draft is None or self.host.draft.read_only:
            return False
        name = self.host.draft.data.get("name") or self.host.draft.bank_id
        answer = ask(
            self.parent,
            "Delete bank",
            f"Delete the bank '{name}' and its file? Past answers keep their questions.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.host.context.banks.delete(self.host.draft.bank_id)
        except KnownError as exc:
            self.host.messages.error(exc)
            return False
        self.host.draft = None
        self.host.refresh()
        self.host.messages.info(f"Deleted the bank '{name}'.")
        self.host.banks_changed.emit()
        return True
