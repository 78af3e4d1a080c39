"""Fixtures for the audio and transcription integration tests: sounddevice on the virtual mic, the real model.

`sd` imports sounddevice only once the session's PulseAudio server (tests/conftest.py) is up and exported
(see tests/support/pulse.py); the tiny.en model is loaded once per session.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.support.pulse import PulseServer
from tests.support.speech import have_espeak, have_librivox
from tpm_coach.config import TranscriptionSettings
from tpm_coach.transcription.engine import TranscriptionEngine


@pytest.fixture(scope="session")
def sd(pulse: PulseServer) -> ModuleType:
    """The real sounddevice module, imported only once the private server is up."""
    from tpm_coach.audio.devices import import_sounddevice

    return import_sounddevice()


@pytest.fixture(scope="session")
def whisper() -> TranscriptionEngine:
    """The real faster-whisper engine with the built-in tiny.en model, loaded once per session."""
    from tpm_coach.transcription import create_engine

    engine = create_engine(TranscriptionSettings(model="tiny.en", threads=2))
    engine.prepare()
    return engine


@pytest.fixture
def need_librivox() -> None:
    if not have_librivox():
        pytest.skip("needs the Debian package pocketsphinx-testdata (LibriVox clips)")


@pytest.fixture
def need_espeak() -> None:
    if not have_espeak():
        pytest.skip("needs espeak-ng")


@pytest.fixture
def speech_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "speech"
    folder.mkdir()
    return folder
