"""Reading questions aloud: QtTextToSpeech on its own thread, giving up quietly when it cannot speak.

Qt's own `mock` speech engine stands in for a voice (no sound server runs in the tests).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.practice_support import start_one_question
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.practice.tts import Speaker


def test_a_question_is_read_aloud_and_finishes(qtbot: QtBot) -> None:
    speaker = Speaker("mock")
    try:
        with qtbot.waitSignal(speaker.finished, timeout=20_000):
            speaker.speak("Tell me about a program you rescued.")
        assert speaker.available is True
        assert speaker.timed_out == 0
        assert not speaker.speaking
    finally:
        speaker.close()


def test_no_speech_engine_is_reported_once_and_quietly(qtbot: QtBot) -> None:
    speaker = Speaker("no-such-engine")
    try:
        with qtbot.waitSignal(speaker.unavailable, timeout=10_000):
            speaker.speak("Hello")
        assert speaker.available is False
        speaker.speak("Again")  # no second attempt, no error
        assert not speaker.speaking
    finally:
        speaker.close()


def test_speech_that_runs_past_its_deadline_is_abandoned(qtbot: QtBot) -> None:
    speaker = Speaker("mock")
    speaker.base_timeout_ms = 1
    speaker.per_word_ms = 0
    try:
        with qtbot.waitSignal(speaker.finished, timeout=10_000):
            speaker.speak("A long question " * 50)
        assert speaker.timed_out == 1
        assert not speaker.speaking
    finally:
        speaker.close()


def test_read_aloud_setting_speaks_each_question(qtbot: QtBot, main_window: MainWindow) -> None:
    main_window.practice.setup.session.read_aloud.setChecked(True)  # chosen per session, on the setup page
    with qtbot.waitSignal(main_window.practice.speaker.finished, timeout=20_000):
        start_one_question(qtbot, main_window)
    button = main_window.practice.question.read_aloud
    assert button.text() == "Read aloud"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert main_window.practice.speaker.speaking
    assert "Stop reading" in button.text()  # a speaking state, and the way to stop it
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not main_window.practice.speaker.speaking
    assert button.text() == "Read aloud"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert main_window.practice.speaker.speaking
    qtbot.mouseClick(main_window.practice.question.end, Qt.MouseButton.LeftButton)
