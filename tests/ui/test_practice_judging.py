"""While a typed answer is judged by the loopback server's streamed reply, the question page counts the reply's
tokens and shows each criterion's provisional score as it arrives; Cancel ends the judging, keeps the answer
and lets it be scored again."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer, Reply, score_payload
from tests.ui.conftest import message_texts, rubric_reply, use_stub_llm
from tests.ui.practice_support import ANSWER, start_one_question
from tpm_coach.domain import AttemptStatus
from tpm_coach.practice import Phase
from tpm_coach.ui.main_window import MainWindow

CHUNK = 9


def test_provisional_criteria_show_as_they_arrive_and_cancel_keeps_the_answer(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    window.context.settings.llm.timeout_s = 120  # the server below falls silent: only Cancel ends the call
    start_one_question(qtbot, window, skill="planning-strategy")
    controller = window.practice.controller
    assert controller is not None and controller.turn is not None
    rubric = controller.turn.competency.rubric
    ids = [c.id for c in rubric.criteria]
    scores = {cid: 2 + i % 3 for i, cid in enumerate(ids)}
    whole = json.dumps(score_payload(ids, scores))
    sent = -(-whole.index('"strengths"') // CHUNK)  # every criterion, then the server hangs mid-reply
    stub_llm.script(Reply(content=whole, chunk_chars=CHUNK, stream_stall_after=sent))
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)

    judging = page.judging
    qtbot.waitUntil(lambda: judging.status.text() == f"Judging… {sent} tokens", timeout=15_000)
    assert controller.phase is Phase.SCORING
    assert judging.isVisible() and judging.cancel.isEnabled()
    assert judging.provisional() == {
        c.id: f"{c.name}: {scores[c.id]} (provisional) · sentence 1" for c in rubric.criteria
    }

    qtbot.mouseClick(judging.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.SCORING_FAILED, timeout=15_000)
    assert not judging.isVisible()
    assert page.failure_row.isVisible()
    assert "Scoring was cancelled" in page.failure.text()
    assert page.retry.isVisible() and page.offline.isVisible()
    assert not any("cancelled" in text for text in message_texts(window))  # asked for: not an error message
    attempt = window.context.attempts.get(controller.attempt_id or 0)
    assert attempt.status is AttemptStatus.TRANSCRIBED
    assert attempt.score is None
    assert attempt.transcript is not None and attempt.transcript.text == ANSWER

    stub_llm.script(rubric_reply(window, score=4))
    qtbot.mouseClick(page.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.FEEDBACK, timeout=15_000)
    rescored = window.context.attempts.get(attempt.id)
    assert rescored.status is AttemptStatus.SCORED
    assert rescored.score is not None and rescored.score.scorer == "llm"
    assert len(stub_llm.requests) == 2


def test_judging_starts_afresh_for_each_answer(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    window.context.settings.llm.timeout_s = 120
    start_one_question(qtbot, window, skill="planning-strategy")
    controller = window.practice.controller
    assert controller is not None and controller.turn is not None
    ids = [c.id for c in controller.turn.competency.rubric.criteria]
    stub_llm.script(Reply(content=json.dumps(score_payload(ids, 3)), chunk_chars=CHUNK, stream_stall_after=3))
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.judging.status.text() == "Judging… 3 tokens", timeout=15_000)
    assert all(text.endswith(": …") for text in page.judging.provisional().values())  # nothing complete yet
    qtbot.mouseClick(page.judging.cancel, Qt.MouseButton.LeftButton)
    assert page.judging.cancel.text() == "Cancelling…"
    qtbot.waitUntil(lambda: controller.phase is Phase.SCORING_FAILED, timeout=15_000)

    stub_llm.script(Reply(content=json.dumps(score_payload(ids, 3)), chunk_chars=CHUNK, stream_stall_after=2))
    qtbot.mouseClick(page.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.judging.status.text() == "Judging… 2 tokens", timeout=15_000)
    assert page.judging.cancel.isEnabled() and page.judging.cancel.text() == "Cancel"
    qtbot.mouseClick(page.judging.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.SCORING_FAILED, timeout=15_000)
