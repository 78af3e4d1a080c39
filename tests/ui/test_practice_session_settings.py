"""Thinking time, time limit and reading aloud are chosen on the Practice setup page, used by the session started
there, and remembered for the next one; Settings no longer holds them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tpm_coach.config import load_settings
from tpm_coach.practice import Phase
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.practice.session_settings import THINKING_RANGE, TIME_LIMIT_RANGE


def test_choices_on_the_setup_page_start_the_session_and_are_remembered(qtbot: QtBot, main_window: MainWindow) -> None:
    session = main_window.practice.setup.session
    assert session.isVisible()
    session.thinking.setValue(20)
    session.time_limit.setValue(240)
    setup = main_window.practice.setup
    setup.count.setValue(1)
    qtbot.mouseClick(setup.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: main_window.practice.controller is not None and main_window.practice.controller.phase is Phase.THINKING
    )  # the thinking time chosen runs before the recording
    controller = main_window.practice.controller
    assert controller is not None
    assert controller.settings.thinking_seconds == 20 and controller.settings.default_time_limit_s == 240
    saved = load_settings(environ={}).practice
    assert (saved.thinking_seconds, saved.default_time_limit_s) == (20, 240)
    assert not hasattr(main_window.settings.data, "thinking")


def test_values_outside_the_bounds_cannot_be_typed(qtbot: QtBot, main_window: MainWindow) -> None:
    session = main_window.practice.setup.session
    session.thinking.setValue(THINKING_RANGE[1] + 100)
    session.time_limit.setValue(1)
    assert session.thinking.value() == THINKING_RANGE[1]
    assert session.time_limit.value() == TIME_LIMIT_RANGE[0]
