"""Duplicate a bank, then "Use this bank now": practice asks from the copy instead of its source, the choice is
saved, and the Settings bank list shows it without a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.ui.conftest import message_button
from tests.ui.history_qt_support import accept_dialog
from tpm_coach.banks import DEFAULT_BANK_ID
from tpm_coach.config import load_settings
from tpm_coach.ui.bank_editor.duplicate import DuplicateBankDialog
from tpm_coach.ui.bank_editor.view import BankEditorView
from tpm_coach.ui.main_window import MainWindow


def _ticked(window: MainWindow) -> dict[str, bool]:
    banks = window.settings.data.banks
    items = [banks.item(i) for i in range(banks.count())]
    return {str(i.data(Qt.ItemDataRole.UserRole)): i.checkState() == Qt.CheckState.Checked for i in items}


def _practice_banks(window: MainWindow) -> list[str]:
    banks = window.practice.setup.banks
    return [str(banks.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(banks.count())]


def test_duplicate_then_use_the_copy_now(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    window.navigate("banks")
    editor = window.view("banks")
    assert isinstance(editor, BankEditorView)
    assert _ticked(window) == {DEFAULT_BANK_ID: True}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, DuplicateBankDialog)
        dialog.bank_id.setText("mine")
        dialog.name.setText("My TPM bank")

    accept_dialog(DuplicateBankDialog, fill)
    assert editor.bank_actions.ask_duplicate() is not None
    qtbot.waitUntil(lambda: editor.draft is not None and editor.draft.bank_id == "mine", timeout=5000)
    # The copy is listed in Settings at once, not yet turned on.
    assert _ticked(window) == {DEFAULT_BANK_ID: True, "mine": False}

    use_now = message_button(window, "Created 'My TPM bank'", "Use this bank now")
    assert use_now is not None
    qtbot.mouseClick(use_now, Qt.MouseButton.LeftButton)

    assert load_settings(environ={}).active_banks == ["mine"]
    assert window.context.settings.active_banks == ["mine"]
    assert [b.id for b in window.context.banks.active_banks()] == ["mine"]
    assert _ticked(window) == {DEFAULT_BANK_ID: False, "mine": True}
    assert _practice_banks(window) == ["mine"]
    assert any("Practice now asks from 'My TPM bank'" in t for t in window.message_bar.texts())
