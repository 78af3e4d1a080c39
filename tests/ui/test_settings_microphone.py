"""Settings > Microphone with a real (virtual PulseAudio) microphone: the device list and the 3-second test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.pulse import PulseServer
from tests.support.speech import write_wav
from tpm_coach.config import load_settings
from tpm_coach.ui.main_window import MainWindow

pytestmark = pytest.mark.audio


def test_microphone_list_and_three_second_test(
    qtbot: QtBot, main_window: MainWindow, virtual_microphone: PulseServer, tmp_path: Path
) -> None:
    main_window.show_settings("audio")
    audio = main_window.settings.audio
    qtbot.waitUntil(lambda: audio.devices_loaded, timeout=10_000)
    names = [audio.device.itemData(i) for i in range(audio.device.count())]
    assert names[0] == ""  # the system default comes first
    assert "pulse" in names
    audio.device.setCurrentIndex(names.index("pulse"))

    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(16000 * 4) / 16000)).astype(np.float32)
    player = virtual_microphone.play(write_wav(tmp_path / "tone.wav", tone))
    qtbot.mouseClick(audio.test, Qt.MouseButton.LeftButton)
    assert not audio.test.isEnabled()
    qtbot.waitUntil(audio.test.isEnabled, timeout=15_000)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=15_000)
    assert audio.result.text().startswith("The microphone works: 3.0 s recorded"), audio.result.text()
    assert audio.meter.max_seen > 0.2

    assert main_window.settings.save()
    assert load_settings().audio.input_device == "pulse"


def test_a_silent_microphone_is_called_out(
    qtbot: QtBot, main_window: MainWindow, virtual_microphone: PulseServer
) -> None:
    assert virtual_microphone.process is not None
    main_window.show_settings("audio")
    audio = main_window.settings.audio
    qtbot.waitUntil(lambda: audio.devices_loaded, timeout=10_000)
    audio.device.setCurrentIndex(audio.device.findData("pulse"))
    qtbot.mouseClick(audio.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(audio.test.isEnabled, timeout=15_000)
    assert "heard almost nothing" in audio.result.text()
