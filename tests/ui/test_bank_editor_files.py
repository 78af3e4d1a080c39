"""Importing and exporting bank files from the bank editor (non-native file dialogs, real files)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui import view_support
from tests.ui.history_qt_support import answer_message_box
from tpm_coach.banks import DEFAULT_BANK_ID, bank_to_data, dump_yaml, load_bank
from tpm_coach.context import AppContext
from tpm_coach.ui.bank_editor.view import BankEditorView
from tpm_coach.ui.messages import MessageSink

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


ctx = view_support.ctx


@pytest.fixture
def editor(ctx: AppContext, messages: MessageSink) -> Iterator[BankEditorView]:
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    yield from view_support.shown_bank_editor(ctx, messages)


def _bank_file(ctx: AppContext, folder: Path, bank_id: str = "team-bank", name: str = "Team bank") -> Path:
    """A valid bank file: two of the built-in questions under new ids, using the built-in skills."""
    default = ctx.banks.get(DEFAULT_BANK_ID).bank
    questions = [q.model_copy(update={"id": f"{bank_id}.{q.id}"}) for q in default.questions[:2]]
    bank = default.model_copy(update={"id": bank_id, "name": name, "competencies": [], "questions": questions})
    path = folder / f"{bank_id}.yaml"
    path.write_text(dump_yaml(bank_to_data(bank)), encoding="utf-8")
    return path


def test_import_through_the_file_dialog(
    qtbot: QtBot, editor: BankEditorView, ctx: AppContext, tmp_path: Path, messages: MessageSink
) -> None:
    source = _bank_file(ctx, tmp_path)
    dialog = editor.files.choose_import(ctx.banks.get(DEFAULT_BANK_ID).bank.competencies)
    qtbot.waitUntil(dialog.isVisible)
    dialog.selectFile(str(source))
    with qtbot.waitSignal(editor.banks_changed, timeout=10_000):
        dialog.accept()

    assert "team-bank" in ctx.banks.banks
    assert (ctx.data_paths.banks / "team-bank.yaml").is_file()
    assert editor.draft is not None and editor.draft.bank_id == "team-bank"
    assert messages.history[-1].text == "Imported 'Team bank' (2 questions) from team-bank.yaml"


def test_importing_a_broken_file_names_the_problem_and_line(
    qtbot: QtBot, editor: BankEditorView, ctx: AppContext, tmp_path: Path, messages: MessageSink
) -> None:
    source = _bank_file(ctx, tmp_path)
    source.write_text(re.sub(r"kind: [a-z-]+", "kind: musical", source.read_text(encoding="utf-8"), count=1))
    with qtbot.waitSignal(editor.files.import_failed, timeout=10_000):
        editor.files.start_import(source, ctx.banks.get(DEFAULT_BANK_ID).bank.competencies)

    error = messages.history[-1]
    assert error.level == "error"
    assert f"{source}:" in error.text and ".kind" in error.text and "musical" in error.text
    assert error.action_label == "Choose another file"
    assert "team-bank" not in ctx.banks.banks


def test_importing_over_an_existing_bank_asks_first(
    qtbot: QtBot, editor: BankEditorView, ctx: AppContext, tmp_path: Path
) -> None:
    known = ctx.banks.get(DEFAULT_BANK_ID).bank.competencies
    first = _bank_file(ctx, tmp_path, name="Team bank v1")
    with qtbot.waitSignal(editor.banks_changed, timeout=10_000):
        editor.files.start_import(first, known)
    newer = tmp_path / "newer"
    newer.mkdir()
    second = _bank_file(ctx, newer, name="Team bank v2")

    asked = answer_message_box(QMessageBox.StandardButton.No)
    with qtbot.waitSignal(editor.files.imported, timeout=10_000):
        editor.files.start_import(second, known)
    qtbot.waitUntil(lambda: bool(asked))
    assert ctx.banks.get("team-bank").bank.name == "Team bank v1"

    answer_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(editor.banks_changed, timeout=10_000):
        editor.files.start_import(second, known)
    assert ctx.banks.get("team-bank").bank.name == "Team bank v2"


def test_a_file_using_the_built_in_id_is_refused(
    qtbot: QtBot, editor: BankEditorView, ctx: AppContext, tmp_path: Path, messages: MessageSink
) -> None:
    source = _bank_file(ctx, tmp_path, bank_id="default")
    with qtbot.waitSignal(editor.files.imported, timeout=10_000):
        editor.files.start_import(source, ctx.banks.get(DEFAULT_BANK_ID).bank.competencies)
    assert "built-in bank's id 'default'" in messages.history[-1].text
    assert ctx.banks.get(DEFAULT_BANK_ID).read_only
    assert not list(ctx.data_paths.banks.glob("*.yaml"))


def test_export_as_yaml_and_json(qtbot: QtBot, editor: BankEditorView, ctx: AppContext, tmp_path: Path) -> None:
    known = ctx.banks.get(DEFAULT_BANK_ID).bank.competencies
    editor.toolbar.export_button.click()
    dialog = editor.findChild(QFileDialog, "exportBankDialog")
    assert isinstance(dialog, QFileDialog)
    qtbot.waitUntil(dialog.isVisible)
    target = tmp_path / "exported.yaml"
    dialog.selectFile(str(target))
    with qtbot.waitSignal(editor.files.exported, timeout=10_000):
        dialog.accept()
    assert load_bank(target, known).questions == ctx.banks.get(DEFAULT_BANK_ID).bank.questions
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["id"] == DEFAULT_BANK_ID

    as_json = tmp_path / "exported.json"
    assert editor.files.export_to(ctx.banks.get(DEFAULT_BANK_ID).bank, as_json)
    assert json.loads(as_json.read_text(encoding="utf-8"))["name"] == "TPM core skills"
