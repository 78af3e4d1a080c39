"""One spoken interview round through real parts: the question read aloud, the answer played into the PulseAudio
virtual microphone and transcribed while spoken by the real tiny.en model, corrected after Stop, and noted with
the correction scored and what was heard kept beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.pulse import PulseServer
from tests.support.speech import espeak_to_wav, have_espeak
from tests.ui.interview_support import open_interview, start_onsite
from tpm_coach.storage.interviews import TranscriptEdits
from tpm_coach.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.audio,
    pytest.mark.slow,
    pytest.mark.skipif(not have_espeak(), reason="needs espeak-ng for the spoken answer"),
]

SPOKEN = (
    "First I would ask how many messages we send at peak and what the latency target is. "
    "The trade off is cost versus speed. If the provider is down we retry with backoff."
)


def test_one_spoken_round_is_heard_corrected_and_noted(
    qtbot: QtBot, main_window: MainWindow, virtual_microphone: PulseServer, tmp_path: Path
) -> None:
    window = main_window
    window.context.settings.audio.input_device = "pulse"
    wav = espeak_to_wav(SPOKEN, tmp_path / "answer.wav", speed=150)
    window.start_background_tasks()
    qtbot.waitUntil(lambda: window.startup.model_loaded, timeout=60_000)
    view = open_interview(qtbot, window)
    start_onsite(qtbot, view)
    run, page = view.run, view.round
    assert run is not None and run.current is not None
    assert page.speaking.text()  # the question is being read aloud

    qtbot.mouseClick(page.record, Qt.MouseButton.LeftButton)  # stops the voice, opens the microphone
    qtbot.waitUntil(lambda: view._started is not None, timeout=10_000)
    assert not view.speaker.speaking and page.answer.isReadOnly()
    player = virtual_microphone.play(wav)
    qtbot.waitUntil(lambda: len(page.answer.toPlainText().split()) >= 5, timeout=30_000)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=60_000)
    started = view._started
    assert started is not None
    at_end = started.recording.elapsed_s
    qtbot.waitUntil(lambda: started.recording.elapsed_s >= at_end + 0.5)
    qtbot.mouseClick(page.record, Qt.MouseButton.LeftButton)  # Stop
    qtbot.waitUntil(lambda: view._heard is not None, timeout=30_000)
    heard = page.answer.toPlainText()
    assert "latency" in heard.lower() and not page.answer.isReadOnly()

    corrected = heard + " We use idempotency keys so nobody gets a duplicate message."
    page.answer.setPlainText(corrected)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(run.turns) == 1 and not view._busy, timeout=30_000)

    [turn] = run.turns
    record = window.context.attempts.get(turn.attempt_id)
    assert record.answer_mode == "spoken" and record.duration_s and record.duration_s > 5
    assert record.transcript is not None and record.transcript.text == corrected
    assert TranscriptEdits(window.context.database).original(turn.attempt_id) == heard
    assert turn.answer == corrected and record.score is not None
    assert run.current is not None and page.question.text() == run.current.text  # the interview went on
