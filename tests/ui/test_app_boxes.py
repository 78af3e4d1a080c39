"""The boxes shown before the window exists quote errors, and errors quote paths: they show them as plain text.

The data folder and the backup file carry markup and control characters in their names, as a folder name may;
the database refused is a real file (too new, or not a database at all).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.support.hostile import H1
from tests.ui.history_qt_support import when_modal
from tests.ui.hostile_text import answer_message_box_recording, message_box_problems
from tpm_coach.config import load_settings
from tpm_coach.context import AppContext
from tpm_coach.errors import StorageError
from tpm_coach.ui.app import ask_about_damaged_database, open_at_start, open_database

# Every control a file name can hold (a name cannot hold NUL), and a direction override.
NAME_CONTROLS = "\x1b\x7f\x85\u202e"
_Shown = tuple[Qt.TextFormat, str, str]


@pytest.fixture
def hostile_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("TPM_COACH_DATA_DIR", str(tmp_path / f"{H1}data{NAME_CONTROLS}"))
    context = AppContext(load_settings())
    yield context
    context.close()


def test_a_newer_database_is_explained_in_plain_text(qtbot: QtBot, hostile_context: AppContext) -> None:
    database = hostile_context.data_paths.database
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()
    seen = answer_message_box_recording(QMessageBox.StandardButton.Ok)
    assert open_at_start(hostile_context) is None
    assert len(seen) == 1, "the refusal was shown"
    assert "written by a newer tpm_coach" in seen[0][1]
    assert H1 in seen[0][1], "the folder's name is shown as it is, as text"
    assert message_box_problems(seen) == []


def test_a_failed_restore_is_explained_in_plain_text(qtbot: QtBot, hostile_context: AppContext, tmp_path: Path) -> None:
    hostile_context.data_paths.database.write_bytes(b"this is not an SQLite file" * 100)
    backup = tmp_path / f"{H1}backup{NAME_CONTROLS}.zip"
    backup.write_bytes(b"not a zip either")
    choices = iter([f"restore:{backup}", "quit"])
    seen = answer_message_box_recording(QMessageBox.StandardButton.Ok)
    with pytest.raises(StorageError, match="cannot open the database"):
        open_database(hostile_context, lambda _error, _context: next(choices))
    assert len(seen) == 1
    assert "is not a zip file" in seen[0][1]
    assert message_box_problems(seen) == []


def test_the_damaged_database_question_is_plain_text(qtbot: QtBot, hostile_context: AppContext) -> None:
    hostile_context.data_paths.database.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(StorageError) as refused:
        _ = hostile_context.database
    seen: list[_Shown] = []

    def quit_(widget: QWidget) -> bool:
        if not isinstance(widget, QMessageBox):
            return False
        seen.append((widget.textFormat(), widget.text(), widget.informativeText()))
        next(b for b in widget.buttons() if b.text() == "Quit").click()
        return True

    when_modal(quit_)
    assert ask_about_damaged_database(refused.value, hostile_context) == "quit"
    assert len(seen) == 1
    assert "Nothing has been changed or deleted" in seen[0][1]
    assert H1 in seen[0][1]
    assert message_box_problems(seen) == []
