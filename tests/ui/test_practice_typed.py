"""A session answered by typing: scored by the loopback LLM server, feedback shown, summary at the end."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer
from tests.ui.conftest import rubric_reply, use_stub_llm
from tests.ui.practice_support import ANSWER, start_one_question
from tpm_coach.domain import AttemptStatus, QuestionKind
from tpm_coach.ui.main_window import MainWindow


def test_typed_answer_is_scored_and_explained(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(rubric_reply(window, score=4))
    start_one_question(qtbot, window, QuestionKind.BEHAVIORAL, skill="planning-strategy")  # STAR check
    page = window.practice.question
    question_text = page.question.text()
    assert question_text

    qtbot.mouseClick(page.type_instead, Qt.MouseButton.LeftButton)
    assert page.typed_box.isVisible()
    assert not page.submit.isEnabled()
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)

    controller = window.practice.controller
    assert controller is not None and controller.record is not None
    record = controller.record
    assert record.status is AttemptStatus.SCORED
    assert record.answer_mode == "typed"
    (request,) = stub_llm.requests
    assert "idempotency keys" in request.text()

    view = window.practice.feedback.view
    rubric = record.competency.rubric
    assert view.question.text() == question_text
    assert "4.0" in view.overall.text()
    assert len(view.criteria.cards) == len(rubric.criteria)
    first = view.criteria.cards[0]
    assert first.anchor is not None and first.anchor.text() == rubric.anchor_for(rubric.criteria[0].id, 4)
    assert "background-color" in view.transcript.toHtml()  # the quoted evidence is highlighted
    assert view.transcript.plain == ANSWER
    assert view.strengths.items == ["Clear opening."]
    assert view.improvements.items == ["Give a number for the outcome."]
    assert view.outline.items == ["State the goal", "Name the trade-off", "Give the result"]
    assert view.star.parts["result"].text().startswith("✗")
    assert view.star.parts["situation"].text().startswith("✓")
    assert view.metrics.values["words"] == str(len(ANSWER.split()))
    assert view.follow_up.items == ["What would you do differently?"]
    assert window.practice.feedback.follow_up.isVisible()

    # One question: "Next" finishes the session and shows the summary.
    next_button = window.practice.feedback.next
    assert "Finish" in next_button.text()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 2)
    report = window.practice.summary.report
    assert report is not None
    assert report.answered == 1 and report.scored == 1
    assert [s.competency_id for s in report.skills] == [record.competency.id]
    assert window.practice.summary.focus.text()
    assert window.context.sessions.list_summaries()[0].ended_at is not None


def test_follow_up_and_retry_then_compare(qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(rubric_reply(window, score=3), rubric_reply(window, score=4), rubric_reply(window, score=5))
    start_one_question(qtbot, window, skill="planning-strategy")
    page, feedback = window.practice.question, window.practice.feedback

    def answer(text: str) -> None:
        page.show_typing(True)
        page.typed.setPlainText(text)
        qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)

    answer(ANSWER)
    original = page.question.text()
    qtbot.mouseClick(feedback.follow_up, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 1)
    assert page.question.text() == "What would you do differently?"
    assert page.kind_chip.text() == "Follow-up"
    answer(ANSWER + " Next time I would involve finance earlier.")

    qtbot.mouseClick(feedback.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 1)
    assert page.kind_chip.text() == "Another try"
    answer(ANSWER + " I would also rehearse the rollback twice.")
    assert feedback.compare.isVisible()
    qtbot.mouseClick(feedback.compare, Qt.MouseButton.LeftButton)
    dialog = window.practice.compare_dialog
    assert dialog is not None and dialog.isVisible()
    assert [r.score.overall for r in dialog.view.records if r.score] == [4.0, 5.0]
    assert "▲" in dialog.view.cells[("overall", 2)]
    # Like with like: overall beside overall, each criterion's score beside the same criterion's.
    assert dialog.view.cells[("overall", 1)].startswith("4.0") and dialog.view.cells[("overall", 2)].startswith("5.0")
    first = dialog.view.records[-1].competency.rubric.criteria[0].id
    assert dialog.view.cells[(first, 1)].startswith("4") and dialog.view.cells[(first, 2)].startswith("5")
    assert "▲1.0" in dialog.view.cells[(first, 2)]
    assert dialog.view.groups == [
        "Overall score (out of 5)",
        "Criterion scores (out of 5)",
        "Delivery (spoken answers)",
    ]
    dialog.close()
    assert original != page.question.text()


def test_from_submit_to_feedback_the_gui_thread_reads_nothing(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(rubric_reply(window, score=4))
    start_one_question(qtbot, window, skill="planning-strategy")
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    statements: list[str] = []
    connection = window.context.database.conn  # the GUI thread's; every background job opens its own
    connection.set_trace_callback(statements.append)
    try:
        qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)
    finally:
        connection.set_trace_callback(None)
    assert statements == []
    shown = window.practice.feedback.view.record
    assert shown is not None and shown.status is AttemptStatus.SCORED
    assert shown == window.context.attempts.get(shown.id)
