"""A whole practice session through real parts: the answer is played into a PulseAudio virtual microphone,
transcribed while it is spoken by the real tiny.en model, scored by the loopback OpenAI-protocol server,
then found in History and exported."""

from __future__ import annotations

from pathlib import Path

import jiwer
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer
from tests.support.pulse import PulseServer
from tests.support.speech import espeak_answer, write_wav
from tests.ui.conftest import rubric_reply, use_stub_llm
from tpm_coach.domain import AttemptStatus
from tpm_coach.practice import Phase
from tpm_coach.ui.main_window import MainWindow

pytestmark = [pytest.mark.audio, pytest.mark.slow]


def words(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace() or c == "'").split())


def speak_answer(qtbot: QtBot, window: MainWindow, mic: PulseServer, answer_wav: Path) -> str:
    """Space, speak into the virtual microphone, Space; returns the transcript seen while speaking."""
    controller = window.practice.controller
    assert controller is not None
    page = window.practice.question
    qtbot.keyClick(page, Qt.Key.Key_Space)  # Space starts recording
    qtbot.waitUntil(lambda: controller.phase is Phase.RECORDING, timeout=10_000)
    attempt = window.context.attempts.get(controller.attempt_id or 0)
    assert attempt.status is AttemptStatus.RECORDING
    assert window.context.data_paths.absolute(attempt.audio_path or "").exists(), "the WAV is written as it comes"

    player = mic.play(answer_wav)
    qtbot.waitUntil(lambda: len(page.live.toPlainText().split()) >= 5, timeout=30_000)
    partial = page.live.toPlainText()
    assert page.meter.max_seen > 0.05, "the level meter moved while speaking"
    assert not page.clock.text().startswith("0:00 /")
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=60_000)
    assert player.returncode == 0
    # The playback's tail is still in flight through the audio server; let the recorder take it in.
    recorded_at_end = controller.elapsed_s
    qtbot.waitUntil(lambda: controller.elapsed_s >= recorded_at_end + 0.5)
    qtbot.keyClick(page, Qt.Key.Key_Space)  # Space stops
    return partial


def test_spoken_session_end_to_end(
    qtbot: QtBot,
    main_window: MainWindow,
    stub_llm: OpenAIStubServer,
    virtual_microphone: PulseServer,
    tmp_path: Path,
) -> None:
    window = main_window
    use_stub_llm(window.context, stub_llm)
    window.context.settings.audio.input_device = "pulse"
    stub_llm.script(rubric_reply(window, score=4))
    audio, reference = espeak_answer(tmp_path, 14.0, seed=3)
    answer_wav = write_wav(tmp_path / "answer.wav", audio)
    window.start_background_tasks()
    qtbot.waitUntil(lambda: window.startup.model_loaded, timeout=60_000)

    window.practice.setup.count.setValue(1)
    qtbot.mouseClick(window.practice.setup.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.practice.controller is not None and window.practice.controller.phase is Phase.QUESTION
    )
    controller = window.practice.controller
    assert controller is not None and controller.plan is not None
    assert window.practice.question.question.text() == controller.plan.questions[0].text

    partial = speak_answer(qtbot, window, virtual_microphone, answer_wav)
    qtbot.waitUntil(lambda: controller.phase is Phase.FEEDBACK, timeout=60_000)
    record = controller.record
    assert record is not None and record.status is AttemptStatus.SCORED
    assert record.transcript is not None and record.metrics is not None
    error = jiwer.wer(words(reference), words(record.transcript.text))
    assert error < 0.35, f"word error rate {error:.2f}: {record.transcript.text!r}"
    assert words(partial).split()[0] in words(record.transcript.text)
    assert record.duration_s is not None and record.duration_s >= len(audio) / 16000 - 0.5
    assert 80 < record.metrics.words_per_minute < 260
    (request,) = stub_llm.requests
    assert words(record.transcript.text)[:40] in words(request.text())
    view = window.practice.feedback.view
    assert "4.0" in view.overall.text()
    assert view.metrics.values["wpm"] == f"{record.metrics.words_per_minute:.0f}"
    assert "background-color" in view.transcript.toHtml()

    qtbot.mouseClick(window.practice.feedback.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.SUMMARY)
    report = window.practice.summary.report
    assert report is not None and report.speaking_time_s > 10

    # Visible in History, and exported from there.
    window.navigate("history")
    history = window.views["history"]
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=10_000)
    target = tmp_path / "session.md"
    with qtbot.waitSignal(history.exporter.exported, timeout=20_000):
        history.exporter.export(controller.session_id or 0, target)
    exported = target.read_text(encoding="utf-8")
    assert record.question.text[:40] in exported
    assert words(record.transcript.text)[:30] in words(exported)
