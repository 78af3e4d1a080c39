"""The microphone check: a live level meter, then a few seconds recorded and (in the first-start guide) played
back, so the candidate hears what the app will transcribe before the first real answer. Settings > Microphone
uses the same check, shorter and without playback."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.errors import KnownError
from tpm_coach.ui.history.session_audio import SessionAudioPlayer
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.level_meter import LevelMeter

CHECK_SECONDS = 5.0
QUIET_LEVEL = 0.02  # a peak below this for the whole check: the microphone is probably muted


def _sounddevice() -> Any:
    from tpm_coach.audio.devices import import_sounddevice

    return import_sounddevice()


class MicCheck(QWidget):
    """Records `seconds` from the device `device()` names ('' for the default); `checked` says whether it heard
    speech-level sound."""

    checked = Signal(bool)

    def __init__(
        self,
        runner: QtTaskRunner,
        messages: MessageSink,
        device: Callable[[], str],
        parent: QWidget | None = None,
        *,
        seconds: float = CHECK_SECONDS,
        play_back: bool = True,
        record_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.messages = messages
        self.device = device
        self.seconds = seconds
        self.play_back = play_back
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        if play_back:
            layout.addWidget(
                label(
                    f"Press Record and answer as you would in an interview for {seconds:.0f} seconds, for "
                    "example: “I led a migration that cut costs by a fifth.” The bar should move while you speak; "
                    "then the recording plays back so you hear how you sound.",
                    "Muted",
                    self,
                    wrap=True,
                )
            )
        row = QHBoxLayout()
        row.setSpacing(12)
        self.record = button(record_text or f"Record {seconds:.0f} seconds", "primary", self, icon_name="practice")
        self.record.setToolTip(f"Record {seconds:.0f} seconds and show the level")
        self.record.clicked.connect(self.start)
        row.addWidget(self.record)
        self.meter = LevelMeter(self)
        row.addWidget(self.meter, 1)
        layout.addLayout(row)
        self.result = label("", "Muted", self, wrap=True)
        layout.addWidget(self.result)
        self.player = SessionAudioPlayer(messages, self)
        self.player.setVisible(False)
        layout.addWidget(self.player)
        self._recorder: Any = None
        self._folder: Path | None = None
        self.recording: Path | None = None  # the last check's WAV, kept for playback until the guide closes
        self.heard = False
        self._closed = False
        self._ended = threading.Event()  # set when the check ends by itself, or when the guide closes under it
        self._poll = QTimer(self)
        self._poll.setInterval(33)
        self._poll.timeout.connect(self._show_level)

    @property
    def busy(self) -> bool:
        return self._recorder is not None or not self.record.isEnabled()

    def start(self) -> None:
        if self.busy:
            return
        self.player.stop()
        self.record.setEnabled(False)
        self.result.setText("Recording… say something.")
        self.meter.reset()
        self._folder = self._folder or Path(tempfile.mkdtemp(prefix="tpm-coach-check-"))
        path = self._folder / "check.wav"
        device = self.device() or None
        seconds = self.seconds
        ended = self._ended = threading.Event()

        def job() -> float:
            from tpm_coach.audio.recorder import Recorder

            recorder = Recorder(
                _sounddevice(),
                path,
                device=device,
                time_limit_s=seconds,
                on_stopped=lambda _result: ended.set(),
            )
            self._recorder = recorder
            recorder.start()
            ended.wait(seconds + 5)
            result = recorder.stop()
            if result.error is not None:
                raise result.error
            return result.duration_s

        self._poll.start()
        self.runner.submit(job, lambda seconds: self._done(path, seconds), self._failed)

    def _show_level(self) -> None:
        recorder = self._recorder
        if recorder is not None:
            self.meter.set_level(recorder.level)

    def _finish(self) -> None:
        self._poll.stop()
        self._recorder = None
        self.record.setEnabled(True)

    def _done(self, path: Path, seconds: float) -> None:
        self._finish()
        if self._closed:
            self._remove_recording()
            return
        peak = self.meter.max_seen
        self.heard = peak >= QUIET_LEVEL
        self.recording = path
        works = f"The microphone works: {seconds:.1f} s recorded, peak level {peak:.0%}."
        quiet = f"Recorded {seconds:.1f} s but heard almost nothing: check that the microphone is not muted"
        if self.play_back:
            works += " Listen back: if you sound faint or muffled, move closer or choose another microphone."
            quiet += ", or choose another one in Settings > Microphone. You can also type your answers."
        else:
            quiet += "."
        self.result.setText(works if self.heard else quiet)
        if self.play_back:
            self.player.set_source(path, seconds)
            self.player.setVisible(True)
            if self.heard:
                self.player.toggle()
        else:
            self._remove_recording()
        self.checked.emit(self.heard)

    def _failed(self, exc: Exception) -> None:
        self._finish()
        if self._closed:
            self._remove_recording()
            return
        self.heard = False
        if isinstance(exc, KnownError):
            self.messages.error(exc)
        reason = str(exc) if isinstance(exc, KnownError) else f"the recording failed ({exc})"
        self.result.setText(f"{reason}. You can still type your answers.")
        self.checked.emit(False)

    def close_check(self) -> None:
        """Stop playback and delete the check's recording: nothing of it is kept."""
        self._closed = True
        self._ended.set()  # a check under way stops now; its result is dropped when it arrives
        self._poll.stop()
        self.player.stop()
        self.player.set_source(None)
        if self._recorder is None:
            self._remove_recording()

    def _remove_recording(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self.recording = None
