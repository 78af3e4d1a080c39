"""Settings > Microphone: choose the input device and test it for three seconds with a live level meter."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QWidget

from tpm_coach.config import AudioSettings
from tpm_coach.errors import KnownError
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.level_meter import LevelMeter

TEST_SECONDS = 3.0
QUIET_LEVEL = 0.02  # peak below this for the whole test: the microphone is probably muted


def _sounddevice() -> Any:
    from tpm_coach.audio.devices import import_sounddevice

    return import_sounddevice()


class AudioSection(QWidget):
    def __init__(self, runner: QtTaskRunner, messages: MessageSink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.messages = messages
        form = QFormLayout(self)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.device = QComboBox(self)
        self.device.setMinimumWidth(280)
        self.device.addItem("System default input", "")
        row.addWidget(self.device, 1)
        self.refresh = button("Refresh", "", self, icon_name="retry")
        self.refresh.clicked.connect(lambda: self.list_devices(rescan=True))
        row.addWidget(self.refresh)
        form.addRow("Input device", row)
        test_row = QHBoxLayout()
        test_row.setSpacing(12)
        self.test = button("Test microphone", "", self, icon_name="practice")
        self.test.setToolTip(f"Record {TEST_SECONDS:.0f} seconds and show the level")
        self.test.clicked.connect(self.start_test)
        test_row.addWidget(self.test)
        self.meter = LevelMeter(self)
        test_row.addWidget(self.meter, 1)
        form.addRow("", test_row)
        self.result = label("", "Muted", self, wrap=True)
        form.addRow("", self.result)
        self._wanted = ""
        self._recorder: Any = None
        self._poll = QTimer(self)
        self._poll.setInterval(33)
        self._poll.timeout.connect(self._show_level)
        self.devices_loaded = False

    def load(self, settings: AudioSettings) -> None:
        self._wanted = settings.input_device
        self._select(self._wanted)

    def values(self, current: AudioSettings) -> AudioSettings:
        return current.model_copy(update={"input_device": str(self.device.currentData() or "")})

    def _select(self, wanted: str) -> None:
        index = self.device.findData(wanted)
        if index < 0 and wanted:
            self.device.addItem(f"{wanted} (not connected)", wanted)
            index = self.device.count() - 1
        self.device.setCurrentIndex(max(0, index))

    # -- device list -------------------------------------------------------------------------------
    def list_devices(self, rescan: bool = False) -> None:
        from tpm_coach.audio.devices import list_input_devices, refresh_devices

        def job() -> list[str]:
            sd = _sounddevice()
            if rescan:
                refresh_devices(sd)
            return [d.name for d in list_input_devices(sd)]

        def done(names: list[str]) -> None:
            wanted = str(self.device.currentData() or self._wanted)
            self.device.clear()
            self.device.addItem("System default input", "")
            for name in names:
                self.device.addItem(name, name)
            self._select(wanted)
            self.devices_loaded = True
            if not names:
                self.result.setText("No input device found. Connect a microphone, or type your answers.")

        def failed(exc: Exception) -> None:
            self.devices_loaded = True
            self.result.setText(str(exc))

        self.runner.submit(job, done, failed)

    # -- test recording ------------------------------------------------------------------------------
    def start_test(self) -> None:
        if self._recorder is not None:
            return
        self.test.setEnabled(False)
        self.result.setText("Say something…")
        self.meter.reset()
        device = str(self.device.currentData() or "") or None
        folder = Path(tempfile.mkdtemp(prefix="tpm-coach-mic-"))

        def job() -> float:
            from tpm_coach.audio.recorder import Recorder

            ended = threading.Event()
            recorder = Recorder(
                _sounddevice(),
                folder / "test.wav",
                device=device,
                time_limit_s=TEST_SECONDS,
                on_stopped=lambda _result: ended.set(),
            )
            self._recorder = recorder
            try:
                recorder.start()
                ended.wait(TEST_SECONDS + 5)
                result = recorder.stop()
            finally:
                (folder / "test.wav").unlink(missing_ok=True)
                folder.rmdir()
            if result.error is not None:
                raise result.error
            return result.duration_s

        self._poll.start()
        self.runner.submit(job, self._test_done, self._test_failed)

    def _show_level(self) -> None:
        if self._recorder is not None:
            self.meter.set_level(self._recorder.level)

    def _finish_test(self) -> None:
        self._poll.stop()
        self._recorder = None
        self.test.setEnabled(True)

    def _test_done(self, duration_s: float) -> None:
        self._finish_test()
        peak = self.meter.max_seen
        if peak < QUIET_LEVEL:
            self.result.setText(
                f"Recorded {duration_s:.1f} s but heard almost nothing: check that the microphone is not muted."
            )
        else:
            self.result.setText(f"The microphone works: {duration_s:.1f} s recorded, peak level {peak:.0%}.")

    def _test_failed(self, exc: Exception) -> None:
        self._finish_test()
        self.result.setText(str(exc))
        if isinstance(exc, KnownError):
            self.messages.error(exc)

    def stop(self) -> None:
        self._poll.stop()
