"""Microphones as PortAudio sees them, through an injected `sounddevice` module.

`import_sounddevice()` turns a missing PortAudio library into an AudioDeviceError; everything else
takes the module as an argument so tests can hand in the real one (with a PulseAudio virtual mic).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tpm_coach.errors import AudioDeviceError

_PORTAUDIO_HINT = "install the PortAudio library (Debian/Ubuntu: apt install libportaudio2) and restart"


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    default_samplerate: float
    max_input_channels: int
    is_default: bool


def import_sounddevice() -> ModuleType:
    """Import `sounddevice`; PortAudio missing (OSError on import) becomes an AudioDeviceError."""
    try:
        return importlib.import_module("sounddevice")
    except OSError as exc:
        raise AudioDeviceError(
            "the PortAudio audio library is missing, so no microphone can be used", _PORTAUDIO_HINT
        ) from exc
    except ImportError as exc:
        raise AudioDeviceError("the sounddevice package is not installed", "reinstall tpm_coach") from exc


def refresh_devices(sd: Any) -> None:
    """Re-scan devices (PortAudio only enumerates them when it initialises), e.g. after plugging in a mic."""
    sd._terminate()
    sd._initialize()


def _default_input_index(sd: Any) -> int | None:
    try:
        default = sd.default.device
        index = default[0] if isinstance(default, list | tuple) else default
        if index is None or int(index) < 0:
            info = sd.query_devices(kind="input")
            return int(info["index"])
        return int(index)
    except (sd.PortAudioError, ValueError, TypeError, KeyError):
        return None


def list_input_devices(sd: Any) -> list[InputDevice]:
    """Every device with at least one input channel, the system default flagged."""
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot list audio devices ({exc})", "check the sound system") from exc
    default_index = _default_input_index(sd)
    found = []
    for index, info in enumerate(devices):
        channels = int(info["max_input_channels"])
        if channels < 1:
            continue
        found.append(
            InputDevice(
                index=index,
                name=str(info["name"]),
                default_samplerate=float(info["default_samplerate"]),
                max_input_channels=channels,
                is_default=index == default_index,
            )
        )
    return found


def resolve_input_device(sd: Any, wanted: str | int | None) -> InputDevice:
    """The device to record from: by index, exact name, name fragment, or the default input.

    Raises AudioDeviceError naming what was looked for and what exists.
    """
    devices = list_input_devices(sd)
    if not devices:
        raise AudioDeviceError(
            "no microphone found (the system reports no audio input device)",
            "connect a microphone, check that the sound system is running, then try again",
        )
    if wanted is None or wanted == "":
        for device in devices:
            if device.is_default:
                return device
        return devices[0]
    if isinstance(wanted, int) or wanted.strip().isdigit():
        index = int(wanted)
        for device in devices:
            if device.index == index:
                return device
    else:
        name = wanted.strip()
        exact = [d for d in devices if d.name == name]
        partial = [d for d in devices if name.lower() in d.name.lower()]
        if exact or partial:
            return (exact or partial)[0]
    available = ", ".join(f"{d.index}: {d.name}" for d in devices)
    raise AudioDeviceError(
        f"the microphone '{wanted}' chosen in Settings was not found (available: {available})",
        "choose another input device in Settings > Audio, or leave it empty to use the default",
    )
