"""Text from a model reply, a server error or a bank file is shown as text: never rendered, never with controls.

The bank is a real YAML file with markup and control characters in every shown field; the model's reply comes
from the loopback OpenAI server through the real scoring path; history, progress and the bank editor read what
was stored in the real SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from tests.support.hostile import (
    BANK_ID,
    CONTROL,
    H1,
    IMG,
    LINK,
    QUOTE,
    TABLE,
    TRANSCRIPT,
    export_problems,
    hostile,
    install_hostile_bank,
    store_hostile_session,
)
from tests.support.openai_server import OpenAIStubServer, RecordedRequest, Reply, error_reply, json_reply, score_payload
from tests.ui import view_support
from tests.ui.conftest import use_stub_llm
from tests.ui.hostile_text import answer_message_box_recording, display_problems, message_box_problems
from tests.ui.practice_support import start_one_question
from tpm_coach import reports
from tpm_coach.context import AppContext
from tpm_coach.domain import AttemptStatus
from tpm_coach.practice import Phase
from tpm_coach.ui.bank_editor.view import BankEditorView
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.feedback.compare import CompareDialog
from tpm_coach.ui.history.model import SUMMARY_ROLE
from tpm_coach.ui.history.view import HistoryView
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.progress.view import ProgressView
from tpm_coach.ui.workers import WorkerPool

ctx = view_support.ctx


def shown(widget: QLabel) -> str:
    """The characters a label puts on screen, whatever its text format."""
    if widget.textFormat() == Qt.TextFormat.PlainText:
        return widget.text()
    document = QTextDocument()
    document.setHtml(widget.text())
    return document.toPlainText()


@pytest.fixture
def window(qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool) -> MainWindow:
    install_hostile_bank(app_context)
    main = MainWindow(ViewDeps.build(app_context, messages, workers), speech_engine="mock")
    qtbot.addWidget(main)
    main.show()
    return main


def hostile_reply(window: MainWindow) -> Callable[[RecordedRequest], Reply]:
    """A well-formed scoring reply whose every text field carries markup and control characters."""

    def respond(request: RecordedRequest) -> Reply:
        controller = window.practice.controller
        assert controller is not None and controller.turn is not None
        ids = [c.id for c in controller.turn.competency.rubric.criteria]
        payload = score_payload(ids, 5, {ids[0]: [QUOTE]}, star={"situation": True, "task": True, "action": True})
        for cid in ids:
            payload["criteria"][cid]["rationale"] = hostile("Because", TABLE, IMG)
        payload["strengths"] = [hostile("Strong opening", H1)]
        payload["improvements"] = [hostile("Give numbers", IMG), hostile("Name the risk", LINK)]
        payload["stronger_answer"] = [hostile("Cover the rollback", TABLE)]
        payload["follow_up"] = hostile("What next?", LINK)
        return json_reply(payload)

    return respond


def answer_typed(qtbot: QtBot, window: MainWindow, text: str) -> None:
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(text)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)


def test_a_hostile_bank_and_reply_show_as_text_in_practice_and_exports(
    qtbot: QtBot, window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(hostile_reply(window))
    assert display_problems(window.practice.setup) == []
    start_one_question(qtbot, window)
    page = window.practice.question
    assert display_problems(page) == []
    assert "SCORE 5/5 HACKED</h1>" in shown(page.question)  # the characters the bank holds, as written

    answer_typed(qtbot, window, TRANSCRIPT)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)
    controller = window.practice.controller
    assert controller is not None and controller.record is not None
    record = controller.record
    assert record.status is AttemptStatus.SCORED and record.score is not None
    feedback = window.practice.feedback
    assert display_problems(feedback) == []
    assert H1 in shown(feedback.view.strengths.body)
    assert LINK in shown(feedback.view.criteria.cards[0].findChildren(QLabel, "SectionTitle")[0])
    assert IMG in feedback.view.transcript.toPlainText()

    compare = CompareDialog([record, record], window)
    compare.show()
    assert display_problems(compare) == []
    compare.close()

    window.show_attempt(record.id)
    assert display_problems(window.review) == []

    names = {bank_id: loaded.bank.name for bank_id, loaded in window.context.banks.banks.items()}
    report = reports.load_report(window.context.sessions, window.context.attempts, record.session_id, names)
    for fmt in (reports.ReportFormat.HTML, reports.ReportFormat.MARKDOWN):
        text = reports.render_text(report, fmt)
        assert "SCORE 5/5 HACKED" in text
        assert export_problems(text) == [], fmt


def test_a_hostile_server_error_shows_as_text_in_the_message_bar_and_failure_chip(
    qtbot: QtBot, window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(error_reply(500, hostile("the model crashed", H1, IMG)))
    start_one_question(qtbot, window)
    answer_typed(qtbot, window, TRANSCRIPT)
    controller = window.practice.controller
    assert controller is not None
    qtbot.waitUntil(lambda: controller.phase is Phase.SCORING_FAILED, timeout=15_000)

    page = window.practice.question
    assert window.message_bar.rows and page.failure_row.isVisible()
    assert display_problems(window.message_bar) == []
    assert display_problems(page.failure_row) == []
    assert "SCORE 5/5 HACKED</h1>" in shown(page.failure)
    assert any("SCORE 5/5 HACKED</h1>" in shown(row.text) for row in window.message_bar.rows)


@pytest.fixture
def history(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[HistoryView]:
    install_hostile_bank(ctx)
    yield from view_support.shown_history_view(qtbot, ctx, messages, 1100, 700)


def test_history_and_session_detail_show_a_hostile_score_as_text(
    qtbot: QtBot, ctx: AppContext, history: HistoryView
) -> None:
    session_id, attempt_ids = store_hostile_session(ctx)
    with qtbot.waitSignal(history.refreshed, timeout=10_000):
        history.refresh()
    assert history.model.rowCount() == 1 and history.model.index(0, 0).data(SUMMARY_ROLE).id == session_id
    assert display_problems(history) == []

    with qtbot.waitSignal(history.detail.loaded, timeout=10_000):
        assert history.open_session(session_id)
    detail = history.detail
    for row in range(len(attempt_ids)):
        detail.answers.setCurrentRow(row)
        assert display_problems(history) == []
    assert "SCORE 5/5 HACKED</h1>" in detail.browser.toPlainText()
    assert detail.browser.refused == []


def test_progress_shows_hostile_skill_and_criterion_names_as_text(qtbot: QtBot, ctx: AppContext) -> None:
    install_hostile_bank(ctx)
    store_hostile_session(ctx)
    workers = WorkerPool()
    view = ProgressView(ViewDeps.build(ctx, MessageSink(), workers))
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    try:
        with qtbot.waitSignal(view.refreshed, timeout=10_000):
            view.refresh()
        assert view.chart.series
        assert display_problems(view) == []
        # Legend labels are laid out as HTML by Qt Charts.
        legend = [marker.label() for marker in view.chart.chart().legend().markers()]
        document = QTextDocument()
        for text in legend:
            document.setHtml(text)
            assert LINK in document.toPlainText()
            assert not CONTROL.search(document.toPlainText())
    finally:
        view.close()
        assert workers.shutdown(5000)


@pytest.fixture
def editor(ctx: AppContext, messages: MessageSink) -> Iterator[BankEditorView]:
    install_hostile_bank(ctx, only=False)
    yield from view_support.shown_bank_editor(ctx, messages)


def test_the_bank_editor_shows_a_hostile_bank_as_text(qtbot: QtBot, ctx: AppContext, editor: BankEditorView) -> None:
    editor.open_bank(BANK_ID)
    assert editor.draft is not None and editor.draft.bank_id == BANK_ID
    records = [editor.outline.path_of(item) for item in editor.outline.items()]
    for path in [p for p in records if p is not None]:
        editor.outline.select_path(path)
        assert display_problems(editor) == [], path

    editor.draft.set(("description",), "Edited, so leaving asks first.")
    asked = answer_message_box_recording(QMessageBox.StandardButton.Cancel)
    assert editor.confirm_leave() is False
    assert len(asked) == 1 and "SCORE" not in asked[0][1]
    assert message_box_problems(asked) == []
    editor.revert()

    asked = answer_message_box_recording(QMessageBox.StandardButton.Cancel)
    assert editor.bank_actions.delete_bank() is False
    assert len(asked) == 1 and "open me</a>" in asked[0][1]
    assert message_box_problems(asked) == []

    bank = ctx.banks.get(BANK_ID)
    asked = answer_message_box_recording(QMessageBox.StandardButton.No)
    editor.bank_actions.imported((bank.bank, bank.path))
    assert len(asked) == 1 and "open me</a>" in asked[0][1]
    assert message_box_problems(asked) == []
