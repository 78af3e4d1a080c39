"""Naming and reaching sessions: rename in History, the summary's answer links and "Practise this next"."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui import view_support
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.context import AppContext
from tpm_coach.practice.summary import AnswerLine, SessionReport, SkillLine
from tpm_coach.ui.history.model import SESSION, SUMMARY_ROLE
from tpm_coach.ui.history.view import HistoryView
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.practice.summary_answers import SessionAnswersCard

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ctx = view_support.ctx


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[HistoryView]:
    yield from view_support.shown_history_view(qtbot, ctx, messages, 1100, 700)


def test_a_session_is_renamed_from_its_page_and_the_list_follows(
    qtbot: QtBot, ctx: AppContext, view: HistoryView, messages: MessageSink
) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3)], title="30 Nov 2026 · Technical aptitude"))
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
    with qtbot.waitSignal(view.detail.loaded, timeout=10_000):
        view.table.activated.emit(view.proxy.index(0, 0))
    editor = view.detail.name_editor

    qtbot.mouseClick(editor.rename_button, Qt.MouseButton.LeftButton)
    assert editor.editing and editor.field.text() == "30 Nov 2026 · Technical aptitude"
    editor.field.clear()
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)  # an empty name is refused, the old one kept
    assert editor.editing and ctx.sessions.get(session_id).title == "30 Nov 2026 · Technical aptitude"

    qtbot.keyClicks(editor.field, "Onsite with Dana")
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    assert not editor.editing
    assert ctx.sessions.get(session_id).title == "Onsite with Dana"
    assert view.detail.title.text() == "Onsite with Dana"
    assert view.proxy.index(0, SESSION).data() == "Onsite with Dana"
    assert view.proxy.index(0, 0).data(SUMMARY_ROLE).title == "Onsite with Dana"

    qtbot.mouseClick(editor.rename_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.field, "dropped")
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    assert not editor.editing and ctx.sessions.get(session_id).title == "Onsite with Dana"


def _report() -> SessionReport:
    weakest = SkillLine("risk", "Risk recognition and mitigation", 2.5, 1, None, 0)
    return SessionReport(
        session_id=1,
        answered=2,
        scored=1,
        unscored=1,
        speaking_time_s=0.0,
        skills=[weakest],
        focus=[],
        answers=[
            AnswerLine(11, "How do you track risks?", "Risk recognition and mitigation", "2.5 / 5"),
            AnswerLine(12, "Tell me about a launch.", "Leadership", "not scored"),
        ],
        practise_next=weakest,
    )


def test_the_summary_links_every_answer_and_offers_the_weakest_skill(qtbot: QtBot) -> None:
    card = SessionAnswersCard()
    qtbot.addWidget(card)
    card.show_report(_report())
    assert len(card.links) == 2
    with qtbot.waitSignal(card.attempt_clicked) as opened:
        qtbot.mouseClick(card.links[1], Qt.MouseButton.LeftButton)
    assert opened.args == [12]
    assert card.practise.text() == "Practise this next: Risk recognition and mitigation"
    with qtbot.waitSignal(card.practise_clicked) as chosen:
        qtbot.mouseClick(card.practise, Qt.MouseButton.LeftButton)
    assert chosen.args == ["risk"]


def test_practise_this_next_opens_setup_with_only_that_skill(qtbot: QtBot, main_window: MainWindow) -> None:
    practice = main_window.practice
    qtbot.waitUntil(lambda: practice.setup.library is not None, timeout=10_000)
    competency = practice.setup.library.competencies()[1] if practice.setup.library else None
    assert competency is not None
    practice.practise_skill(competency.id)
    assert practice.pages.currentIndex() == 0
    options = practice.setup.options()
    assert options.competencies == (competency.id,) and not options.focus_weakest


def test_a_summary_link_opens_that_answers_feedback(qtbot: QtBot, main_window: MainWindow) -> None:
    session_id = add_session(main_window.context, SessionSpec([Answer("tech-001", 4), Answer("comm-001", 2)]))
    second = main_window.context.attempts.list_for_session(session_id)[1]
    main_window.practice.summary.answers.attempt_clicked.emit(second.id)
    assert main_window.stack.currentWidget() is main_window.review
    assert main_window.review.record is not None and main_window.review.record.id == second.id
