"""Re-scoring a past answer with the LLM from the feedback view and from History, against a real loopback
server speaking the OpenAI protocol: the new score becomes current, the earlier one is kept, both are named by
their judge, and either can be made current."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer, error_reply, json_reply, score_payload
from tests.ui import view_support
from tests.ui.conftest import use_stub_llm
from tpm_coach.context import AppContext
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.scoring import OfflineScorer, ScoringService
from tpm_coach.ui.history.view import HistoryView
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink

ANSWER = (
    "I owned the migration of our billing service to the new platform. I split it into three phases, agreed a "
    "rollback plan with the database team, and we cut over with no customer-facing downtime."
)

ctx = view_support.ctx


def offline_scored_answer(context: AppContext, question_id: str = "tech-001") -> int:
    """A typed answer in a session of its own, scored by the real offline scorer (no LLM was configured)."""
    question = context.banks.question(question_id)
    competency = context.banks.competency_for(question)
    session_id = context.sessions.create(["default"])
    attempt_id = context.attempts.create(session_id, question, competency, answer_mode="typed")
    context.attempts.save_transcript(attempt_id, Transcript(text=ANSWER, engine="typed"), DeliveryMetrics())
    ScoringService(context.attempts, lambda _choice: OfflineScorer()).score_attempt(attempt_id)
    return attempt_id


def llm_reply(context: AppContext, attempt_id: int, score: int) -> dict[str, object]:
    record = context.attempts.get(attempt_id)
    return score_payload([c.id for c in record.competency.rubric.criteria], score)


def test_rescore_from_the_feedback_view_keeps_the_estimate_and_either_can_be_current(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    context = main_window.context
    attempt_id = offline_scored_answer(context)
    use_stub_llm(context, stub_llm)
    stub_llm.script(json_reply(llm_reply(context, attempt_id, 4)))
    main_window.show_attempt(attempt_id)
    review = main_window.review
    view = review.view

    assert view.judge.text() == "Offline estimate"
    assert not view.scores.isVisible()  # a single score has nothing to compare with
    assert review.rescore.isVisible() and review.rescore.button.isEnabled()
    assert review.rescore.button.text() == "Re-score with stub-model"

    with qtbot.waitSignal(review.attempt_changed, timeout=15_000):
        qtbot.mouseClick(review.rescore.button, Qt.MouseButton.LeftButton)
        assert review.rescore.busy.isVisible()
        assert "Re-scoring answer" in review.rescore.status.text()

    record = context.attempts.get(attempt_id)
    assert [(s.result.scorer, s.current) for s in record.scores] == [("offline", False), ("llm", True)]
    llm_label = record.scores[1].result.judge_label
    assert llm_label.startswith("LLM · stub-model · score_answer.v")
    assert view.judge.text() == llm_label
    assert f"{record.scores[1].result.overall:.1f}" in view.overall.text()
    assert not review.rescore.busy.isVisible()
    assert "is now current" in review.rescore.status.text()
    assert stub_llm.wait_for_requests(1)

    # Both scores are listed with their judges; the estimate sits beside the current LLM score.
    assert view.scores.isVisible()
    lines = [view.scores.list.item(row).text() for row in range(view.scores.list.count())]
    assert len(lines) == 2
    assert lines[0].startswith("4.0 / 5 · " + llm_label) and lines[0].endswith("· current")
    assert " · Offline estimate · " in lines[1] and not lines[1].endswith("current")
    offline = record.scores[0].result
    assert view.scores.cells[("overall", 1)] == "4.0 / 5"
    assert view.scores.cells[("overall", 2)] == f"{offline.overall:.1f} / 5"
    first = offline.criteria[0]
    assert view.scores.cells[(first.id, 2)] == f"{first.score} / 5"

    with qtbot.waitSignal(review.attempt_changed, timeout=5_000):
        view.scores.make_current.click()

    assert view.judge.text() == "Offline estimate"
    assert f"{offline.overall:.1f}" in view.overall.text()
    record = context.attempts.get(attempt_id)
    assert record.score == offline
    assert [s.current for s in record.scores] == [True, False]
    assert [view.scores.list.item(r).text().endswith("· current") for r in range(2)] == [False, True]


def test_a_failed_rescore_keeps_the_earlier_score_current(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    context = main_window.context
    attempt_id = offline_scored_answer(context)
    before = context.attempts.get(attempt_id)
    use_stub_llm(context, stub_llm)
    stub_llm.default = error_reply(500, "the model crashed")
    main_window.show_attempt(attempt_id)
    review = main_window.review

    qtbot.mouseClick(review.rescore.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.rescore.running is None, timeout=15_000)

    assert context.attempts.get(attempt_id) == before
    assert review.view.judge.text() == "Offline estimate"
    assert "failed" in review.rescore.status.text()
    error = main_window.messages.history[-1]
    assert error.level == "error"
    assert f"Answer #{attempt_id} could not be re-scored" in error.text and "HTTP 500" in error.text
    assert review.rescore.button.isEnabled()  # it can be tried again


def test_without_an_llm_the_action_says_why_it_is_disabled(main_window: MainWindow) -> None:
    attempt_id = offline_scored_answer(main_window.context)
    main_window.show_attempt(attempt_id)
    rescore = main_window.review.rescore

    assert rescore.isVisible()
    assert not rescore.button.isEnabled()
    assert rescore.button.text() == "Re-score with an LLM"
    assert "No LLM is configured" in rescore.button.toolTip()
    assert "Settings > Scoring" in rescore.status.text()


@pytest.fixture
def history(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[HistoryView]:
    yield from view_support.shown_history_view(qtbot, ctx, messages, 1100, 700)


def test_rescore_from_history_updates_the_answer_and_the_session(
    qtbot: QtBot, ctx: AppContext, history: HistoryView, stub_llm: OpenAIStubServer
) -> None:
    attempt_id = offline_scored_answer(ctx)
    session_id = ctx.attempts.get(attempt_id).session_id
    use_stub_llm(ctx, stub_llm)
    stub_llm.script(json_reply(llm_reply(ctx, attempt_id, 5)))
    with qtbot.waitSignal(history.refreshed, timeout=10_000):
        history.refresh()
    with qtbot.waitSignal(history.detail.loaded, timeout=10_000):
        history.table.activated.emit(history.proxy.index(0, 0))
    detail = history.detail
    assert "Judge: Offline estimate" in detail.browser.toPlainText()
    assert detail.rescore.button.text() == "Re-score with stub-model"

    with (
        qtbot.waitSignal(history.attempt_changed, timeout=15_000) as changed,
        qtbot.waitSignal(detail.loaded, timeout=15_000),  # the open session is read again
    ):
        qtbot.mouseClick(detail.rescore.button, Qt.MouseButton.LeftButton)
    assert changed.args == [attempt_id]

    record = ctx.attempts.get(attempt_id)
    assert [(s.result.scorer, s.current) for s in record.scores] == [("offline", False), ("llm", True)]
    shown = detail.browser.toPlainText()
    assert f"Judge: {record.scores[1].result.judge_label}" in shown
    assert "Score: 5.0 / 5" in shown
    qtbot.waitUntil(lambda: history.model.rows[0].summary.overall == 5.0, timeout=10_000)
    assert history.model.rows[0].summary.id == session_id
    assert "is now current" in detail.rescore.status.text()
