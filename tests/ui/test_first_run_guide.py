"""The first-start guide: a five-second microphone check through the virtual PulseAudio microphone, played back;
the choice of scorer; one warm-up question. Shown once, and again from Settings."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.model_servers import closed_port
from tests.support.pulse import PulseServer
from tests.support.speech import write_wav
from tests.ui.test_llm_onboarding import probe, saved_settings
from tpm_coach.config import LlmProvider
from tpm_coach.domain import Level
from tpm_coach.practice import Phase
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.onboarding import offer_first_run, open_guide
from tpm_coach.ui.onboarding.dialog import LlmSetupDialog
from tpm_coach.ui.onboarding.guide import FirstRunGuide
from tpm_coach.ui.widgets.mic_check import CHECK_SECONDS


def _tone(path: Path, seconds: float) -> Path:
    samples = np.arange(int(16000 * seconds)) / 16000
    return write_wav(path, (0.5 * np.sin(2 * np.pi * 440 * samples)).astype(np.float32))


@pytest.mark.audio
def test_microphone_check_scoring_choice_and_warm_up(
    qtbot: QtBot, main_window: MainWindow, virtual_microphone: PulseServer, tmp_path: Path
) -> None:
    window = main_window
    window.context.settings.audio.input_device = "pulse"
    assert offer_first_run(window, probe((LlmProvider.OLLAMA, closed_port())))
    qtbot.waitUntil(lambda: (g := window.findChild(FirstRunGuide)) is not None and g.isVisible())
    guide = window.findChild(FirstRunGuide)
    assert guide is not None
    assert guide.pages.currentIndex() == 0 and "MICROPHONE" in guide.step_title.text()

    # Step 1: five seconds of a tone through the virtual microphone, measured live and then played back.
    mic = guide.mic
    player = virtual_microphone.play(_tone(tmp_path / "tone.wav", CHECK_SECONDS + 2))
    qtbot.mouseClick(mic.record, Qt.MouseButton.LeftButton)
    assert not mic.record.isEnabled()
    qtbot.mouseClick(guide.next, Qt.MouseButton.LeftButton)
    assert guide.pages.currentIndex() == 0  # not while the check records
    qtbot.waitUntil(mic.record.isEnabled, timeout=20_000)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=15_000)
    assert mic.heard, mic.result.text()
    assert mic.result.text().startswith(f"The microphone works: {CHECK_SECONDS:.1f} s recorded"), mic.result.text()
    assert mic.meter.max_seen > 0.2
    recording = mic.recording
    assert recording is not None and recording.is_file()
    with wave.open(str(recording)) as wav:
        assert abs(wav.getnframes() / wav.getframerate() - CHECK_SECONDS) < 0.1
    assert mic.player.isVisible() and mic.player.path == recording and mic.player.play_button.isEnabled()
    # It plays back by itself, through the same sound server, to the end.
    qtbot.waitUntil(lambda: mic.player.slider.value() > 1000, timeout=45_000)

    # Step 2: the scoring question, answered with "stay offline"; the guide then names the scorer in force.
    qtbot.mouseClick(guide.next, Qt.MouseButton.LeftButton)
    assert guide.pages.currentIndex() == 1
    assert "offline estimate" in guide.judge.text()
    qtbot.mouseClick(guide.choose_judge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (d := window.findChild(LlmSetupDialog)) is not None and d.isVisible())
    dialog = window.findChild(LlmSetupDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.local.look_again.isEnabled, timeout=10_000)
    qtbot.mouseClick(dialog.stay_offline, Qt.MouseButton.LeftButton)
    assert saved_settings().llm_choice_made

    # Step 3: the warm-up is one entry-level question, started on the Practice page; the guide is done for good.
    qtbot.mouseClick(guide.next, Qt.MouseButton.LeftButton)
    assert guide.pages.currentIndex() == 2 and not guide.next.isVisible()
    qtbot.mouseClick(guide.warm_up, Qt.MouseButton.LeftButton)
    assert not guide.isVisible()
    assert not recording.exists()  # the check's recording is not kept
    qtbot.waitUntil(
        lambda: window.practice.controller is not None and window.practice.controller.phase is Phase.QUESTION
    )
    controller = window.practice.controller
    assert controller is not None and controller.turn is not None
    assert controller.turn.question.level is Level.ENTRY
    assert window.stack.currentWidget() is window.practice
    assert saved_settings().first_run_done
    assert not offer_first_run(window)


def test_skipping_is_remembered_and_settings_opens_the_guide_again(qtbot: QtBot, main_window: MainWindow) -> None:
    guide = open_guide(main_window)
    qtbot.waitUntil(guide.isVisible)
    qtbot.mouseClick(guide.skip, Qt.MouseButton.LeftButton)
    assert not guide.isVisible()
    assert saved_settings().first_run_done
    assert not offer_first_run(main_window)

    main_window.show_settings()
    qtbot.mouseClick(main_window.settings.guide, Qt.MouseButton.LeftButton)
    again = main_window.findChildren(FirstRunGuide)[-1]
    qtbot.waitUntil(again.isVisible)
    assert again is not guide and again.pages.currentIndex() == 0
    again.close()
