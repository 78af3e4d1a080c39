"""When things go wrong in a session: the LLM fails (retry) or hangs (closing cancels it), there is no
microphone (type instead)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer, Reply, error_reply
from tests.ui.conftest import message_button, rubric_reply, use_stub_llm
from tests.ui.practice_support import ANSWER, start_one_question
from tpm_coach.domain import AttemptStatus
from tpm_coach.practice import Phase
from tpm_coach.storage import AttemptRepository, Database
from tpm_coach.ui.main_window import MainWindow


def test_retry_after_scoring_failed_keeps_the_answer(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(error_reply(500, "the model crashed"))
    start_one_question(qtbot, window, skill="planning-strategy")
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    controller = window.practice.controller
    assert controller is not None
    qtbot.waitUntil(lambda: controller.phase is Phase.SCORING_FAILED, timeout=15_000)

    attempt = window.context.attempts.get(controller.attempt_id or 0)
    assert attempt.status is AttemptStatus.SCORING_FAILED
    assert attempt.transcript is not None and attempt.transcript.text == ANSWER
    assert "HTTP 500" in attempt.status_reason
    # The failure is shown once, in the message area, with what can be done about it.
    retry = message_button(window, "HTTP 500", "Retry scoring")
    assert retry is not None
    assert message_button(window, "HTTP 500", "Score offline") is not None
    assert page.failure_row.isVisible()
    assert "HTTP 500" in page.failure.text()

    stub_llm.script(rubric_reply(window, score=4))
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)
    assert controller.phase is Phase.FEEDBACK
    stored = window.context.attempts.get(attempt.id)
    assert stored.status is AttemptStatus.SCORED
    assert stored.score is not None and stored.score.scorer == "llm"
    assert len(stub_llm.requests) == 2
    assert not window.message_bar.texts() or all("HTTP 500" not in t for t in window.message_bar.texts())


def test_score_offline_from_the_failure_row(qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(error_reply(503, "overloaded"))
    start_one_question(qtbot, window, skill="planning-strategy")
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    controller = window.practice.controller
    assert controller is not None
    qtbot.waitUntil(page.offline.isVisible, timeout=15_000)
    qtbot.mouseClick(page.offline, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.FEEDBACK, timeout=15_000)
    assert controller.record is not None and controller.record.score is not None
    assert controller.record.score.scorer == "offline"
    assert "Offline estimate" in window.practice.feedback.view.scorer.text()


def test_closing_the_window_cancels_a_scoring_call_that_hangs(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    window.context.settings.llm.timeout_s = 300  # longer than any wait here: only cancelling can end the call
    stub_llm.default = Reply(content="{}", delay_s=300)  # accepts the request, then says nothing
    start_one_question(qtbot, window, skill="planning-strategy")
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    controller = window.practice.controller
    assert controller is not None
    assert stub_llm.wait_for_requests(1, timeout_s=15)
    session_id = controller.session_id  # a typed answer's row is made by the scoring job: found by its session
    database = window.context.data_paths.database

    window.close()  # the window goes at once; the cancelled call ends behind it, long before its 300 s

    qtbot.waitUntil(lambda: window.workers.active_count() == 0, timeout=15_000)
    db = Database.open(database)
    try:
        (attempt,) = AttemptRepository(db).list_for_session(session_id or 0)
    finally:
        db.close()
    assert attempt.status is AttemptStatus.TRANSCRIBED  # cancelled, not failed: it can be scored later
    assert attempt.transcript is not None and attempt.transcript.text == ANSWER


@pytest.fixture
def no_sound_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine with no microphone: no audio server, so PortAudio finds no input device."""
    import sounddevice

    from tpm_coach.audio.devices import list_input_devices, refresh_devices

    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/pulse/native")
    monkeypatch.delenv("PULSE_SOURCE", raising=False)
    refresh_devices(sounddevice)
    if list_input_devices(sounddevice):
        pytest.fail("an input device is still visible; this test needs a machine without one")
    yield
    monkeypatch.undo()
    refresh_devices(sounddevice)


@pytest.mark.usefixtures("no_sound_server")
def test_no_microphone_says_so_and_offers_typing(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    start_one_question(qtbot, window, skill="planning-strategy")
    page = window.practice.question
    qtbot.mouseClick(page.record, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: message_button(window, "No microphone found", "Type my answer") is not None)
    (text,) = [t for t in window.message_bar.texts() if "No microphone found" in t]
    assert "type your answer instead, or pick a device in Settings" in text
    controller = window.practice.controller
    assert controller is not None and controller.phase is Phase.QUESTION
    assert window.context.attempts.list_for_session(controller.session_id or 0) == []

    settings = message_button(window, "No microphone found", "Audio settings")
    assert settings is not None
    type_answer = message_button(window, "No microphone found", "Type my answer")
    assert type_answer is not None
    qtbot.mouseClick(type_answer, Qt.MouseButton.LeftButton)
    assert page.typed_box.isVisible()
    assert page.typed.hasFocus() or not window.isActiveWindow()
