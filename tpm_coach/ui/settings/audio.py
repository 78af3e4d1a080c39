"""Settings > Microphone: choose the input device and test it for three seconds with a live level meter (the
same check as the first-start guide's, shorter and without playback)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QWidget

from tpm_coach.config import AudioSettings
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.mic_check import MicCheck

TEST_SECONDS = 3.0


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
        self.check = MicCheck(
            runner,
            messages,
            lambda: str(self.device.currentData() or ""),
            self,
            seconds=TEST_SECONDS,
            play_back=False,
            record_text="Test microphone",
        )
        self.test, self.meter, self.result = self.check.record, self.check.meter, self.check.result
        form.addRow("", self.check)
        self._wanted = ""
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

    def stop(self) -> None:
        self.check.close_check()
