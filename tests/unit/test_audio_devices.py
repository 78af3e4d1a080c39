"""Choosing the microphone, and the errors when there is none or PortAudio is missing.

The real sounddevice module is exercised through PulseAudio in tests/integration/test_recording_pulse.py;
here a machine without any input device is needed, which no real part on this machine can be, so
`NoMicSoundDevice` stands in for the module (a fake: it only answers the device queries).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tpm_coach.audio.devices import import_sounddevice, list_input_devices, resolve_input_device
from tpm_coach.audio.recorder import Recorder
from tpm_coach.errors import AudioDeviceError


class FakePortAudioError(Exception):
    pass


class FakeSoundDevice:
    """Fake sounddevice module: a fixed device table, nothing else."""

    PortAudioError = FakePortAudioError

    def __init__(self, devices: list[dict[str, Any]], default_input: int = -1) -> None:
        self._devices = devices
        self.default = type("Default", (), {"device": [default_input, -1]})()

    def query_devices(self, kind: str | None = None) -> Any:
        if kind == "input":
            inputs = [d for d in self._devices if d["max_input_channels"] > 0]
            if not inputs:
                raise FakePortAudioError("Error querying device -1")
            return inputs[0]
        return self._devices


def device(index: int, name: str, inputs: int, rate: float = 48000.0) -> dict[str, Any]:
    return {
        "index": index,
        "name": name,
        "max_input_channels": inputs,
        "max_output_channels": 2,
        "default_samplerate": rate,
    }


TABLE = [
    device(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 2),
    device(1, "HDMI 0", 0),
    device(2, "USB Headset: Audio (hw:2,0)", 1, 44100.0),
    device(3, "pulse", 32),
    device(4, "default", 32),
]


def test_only_devices_with_inputs_are_listed_and_the_default_is_flagged() -> None:
    found = list_input_devices(FakeSoundDevice(TABLE, default_input=4))
    assert [d.name for d in found] == [
        "HDA Intel PCH: ALC3246 Analog (hw:0,0)",
        "USB Headset: Audio (hw:2,0)",
        "pulse",
        "default",
    ]
    assert [d.is_default for d in found] == [False, False, False, True]
    assert found[1].default_samplerate == 44100.0


@pytest.mark.parametrize(
    ("wanted", "index"),
    [(None, 4), ("", 4), ("2", 2), (2, 2), ("pulse", 3), ("usb headset", 2), ("USB Headset: Audio (hw:2,0)", 2)],
)
def test_the_setting_picks_a_device_by_index_name_or_part_of_it(wanted: str | int | None, index: int) -> None:
    assert resolve_input_device(FakeSoundDevice(TABLE, default_input=4), wanted).index == index


def test_an_unknown_device_names_what_exists() -> None:
    with pytest.raises(AudioDeviceError, match="'Blue Yeti' chosen in Settings was not found") as caught:
        resolve_input_device(FakeSoundDevice(TABLE), "Blue Yeti")
    assert "USB Headset" in str(caught.value)
    assert "Settings > Audio" in caught.value.hint


def test_no_input_device_at_all_is_a_clear_error(tmp_path: Path) -> None:
    no_mic = FakeSoundDevice([device(0, "HDMI 0", 0)])
    with pytest.raises(AudioDeviceError, match="no microphone found"):
        resolve_input_device(no_mic, None)
    recorder = Recorder(no_mic, tmp_path / "a.wav")
    with pytest.raises(AudioDeviceError, match="no microphone found"):
        recorder.start()
    assert not (tmp_path / "a.wav").exists()


def test_portaudio_missing_becomes_an_audio_device_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # sounddevice raises OSError at import when the PortAudio library cannot be loaded.
    (tmp_path / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    with pytest.raises(AudioDeviceError, match="PortAudio") as caught:
        import_sounddevice()
    assert "libportaudio2" in caught.value.hint
