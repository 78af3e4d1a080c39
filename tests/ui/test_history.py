"""The history view over sessions stored through the real repositories in a temporary SQLite file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui import view_support
from tests.ui.history_qt_support import answer_message_box
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.context import AppContext
from tpm_coach.ui.history.model import DATE, SCORE, SESSION, SKILLS
from tpm_coach.ui.history.view import HistoryView
from tpm_coach.ui.messages import MessageSink

# The offscreen platform warns once per shown top-level window; it says nothing about the app.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


ctx = view_support.ctx


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[HistoryView]:
    yield from view_support.shown_history_view(qtbot, ctx, messages, 1000, 640)


def _sessions(ctx: AppContext) -> dict[str, int]:
    return {
        "march": add_session(
            ctx,
            SessionSpec(
                [Answer("tech-001", 2), Answer("comm-001", 4, audio=False)],
                title="Kickoff rehearsal",
                started_at="2025-03-04T10:00:00.000+00:00",
            ),
        ),
        "april": add_session(
            ctx,
            SessionSpec([Answer("lead-001", 5)], title="Leadership loop", started_at="2025-04-10T10:00:00.000+00:00"),
        ),
        "may": add_session(
            ctx,
            SessionSpec([Answer("risk-001", 3), Answer("risk-002", None)], started_at="2025-05-20T10:00:00.000+00:00"),
        ),
    }


def _refresh(qtbot: QtBot, view: HistoryView) -> None:
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()


def _column(view: HistoryView, column: int) -> list[str]:
    return [view.proxy.index(r, column).data() for r in range(view.proxy.rowCount())]


def test_history_lists_every_session_newest_first(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    _sessions(ctx)
    _refresh(qtbot, view)

    assert view.model.rowCount() == 3
    assert _column(view, SESSION) == ["TPM core skills", "Leadership loop", "Kickoff rehearsal"]
    assert _column(view, DATE)[2].startswith("2025-03-0")
    assert _column(view, SKILLS)[2] == "Communication, Technical aptitude"
    assert _column(view, SCORE) == ["3.0", "5.0", "3.0"]
    assert view.count_label.text() == "3 sessions"


def test_an_empty_history_says_how_to_fill_it(qtbot: QtBot, view: HistoryView) -> None:
    _refresh(qtbot, view)
    assert view.model.rowCount() == 0
    assert "No sessions yet" in view.count_label.text()
    # What will be listed here and how to start, in full, in place of an empty table.
    assert view.empty.isVisible() and not view.table.isVisible()
    assert "Practice page" in view.empty.text.text() and view.empty.text.wordWrap()
    with qtbot.waitSignal(view.practice_requested):
        view.empty.go.click()


def test_search_skill_and_date_filters(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    _sessions(ctx)
    _refresh(qtbot, view)
    bar = view.filters

    qtbot.keyClicks(bar.search, "kickoff")
    assert _column(view, SESSION) == ["Kickoff rehearsal"]
    assert view.count_label.text() == "1 of 3 sessions match"
    bar.search.clear()
    qtbot.keyClicks(bar.search, "risk")  # matches the skill name "Risk recognition and mitigation"
    assert _column(view, SESSION) == ["TPM core skills"]
    bar.search.clear()
    assert view.proxy.rowCount() == 3

    bar.skill.setCurrentIndex(bar.skill.findText("Leadership"))
    assert _column(view, SESSION) == ["Leadership loop"]
    bar.skill.setCurrentIndex(0)

    bar.set_date_range(date(2025, 3, 1), date(2025, 4, 30))
    assert _column(view, SESSION) == ["Leadership loop", "Kickoff rehearsal"]
    qtbot.mouseClick(bar.use_dates, Qt.MouseButton.LeftButton)  # switch the range off again
    assert view.proxy.rowCount() == 3


def test_sorting_by_score(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    _sessions(ctx)
    _refresh(qtbot, view)
    view.table.sortByColumn(SCORE, Qt.SortOrder.DescendingOrder)
    assert _column(view, SESSION)[0] == "Leadership loop"


def test_delete_asks_then_removes_rows_and_audio(
    qtbot: QtBot, ctx: AppContext, view: HistoryView, messages: MessageSink
) -> None:
    ids = _sessions(ctx)
    march_audio = [
        ctx.data_paths.absolute(a.audio_path) for a in ctx.attempts.list_for_session(ids["march"]) if a.audio_path
    ]
    april_audio = [
        ctx.data_paths.absolute(a.audio_path) for a in ctx.attempts.list_for_session(ids["april"]) if a.audio_path
    ]
    assert len(march_audio) == 1 and march_audio[0].is_file()
    _refresh(qtbot, view)

    asked = answer_message_box(QMessageBox.StandardButton.Cancel)
    assert view.delete_session(ids["march"]) is False
    assert asked and "cannot be undone" in asked[0]
    assert view.model.rowCount() == 3
    assert march_audio[0].is_file()

    answer_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.session_deleted) as deleted:
        assert view.delete_session(ids["march"]) is True
    assert deleted.args == [ids["march"]]
    assert view.model.rowCount() == 2
    assert "Kickoff rehearsal" not in _column(view, SESSION)
    assert ids["march"] not in {s.id for s in ctx.sessions.list_summaries()}
    assert ctx.attempts.list_for_session(ids["march"]) == []
    assert not march_audio[0].exists()
    assert not march_audio[0].parent.exists()  # the session's now empty folder went too
    assert ctx.data_paths.audio.is_dir()
    assert all(p.is_file() for p in april_audio)  # other sessions keep their recordings
    assert messages.history[-1].text == "Deleted the session and its recordings."


def test_delete_key_on_the_selected_row(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    _sessions(ctx)
    _refresh(qtbot, view)
    view.table.selectRow(0)
    view.table.setFocus()
    answer_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.session_deleted):
        qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.rowCount() == 2


def test_a_failed_load_is_reported_with_a_retry(
    qtbot: QtBot, ctx: AppContext, view: HistoryView, messages: MessageSink
) -> None:
    ctx.data_paths.database.mkdir()  # a folder where the database should be: SQLite cannot open it
    view.refresh()
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)

    assert messages.history[-1].level == "error"
    assert messages.history[-1].action_label == "Try again"
    assert "could not be loaded" in view.count_label.text()


def test_search_finds_words_said_in_an_answer(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    said = "We renegotiated the vendor SLA before the cutover."
    add_session(ctx, SessionSpec([Answer("tech-001", 4, transcript=said)], title="Tuesday"))
    add_session(ctx, SessionSpec([Answer("comm-001", 3)], title="Wednesday"))
    _refresh(qtbot, view)

    with qtbot.waitSignal(view.answer_search.matched, timeout=10_000) as searched:
        qtbot.keyClicks(view.filters.search, "renegotiated vendor")
    assert searched.args is not None and searched.args[0] == "renegotiated vendor"
    assert _column(view, SESSION) == ["Tuesday"]  # only its transcript holds these words
    assert view.count_label.text() == "1 of 2 sessions match"

    with qtbot.waitSignal(view.answer_search.matched, timeout=10_000):
        view.filters.search.clear()
    assert view.proxy.rowCount() == 2
