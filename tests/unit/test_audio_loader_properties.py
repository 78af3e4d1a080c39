"""Generated audio files: whatever the bytes, the loader returns 16 kHz mono float32 or an AudioFileError."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.case_counts import report_cases
from tpm_coach.audio.loader import load_audio
from tpm_coach.errors import AudioFileError

COUNTS: dict[str, int] = {"decoded": 0, "refused": 0}
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(path: Path) -> None:
    try:
        audio = load_audio(path)
    except AudioFileError as exc:
        refusal = exc.message
    else:
        refusal = None
    if refusal is not None:
        assert refusal.strip()
        COUNTS["refused"] += 1
        return
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert np.isfinite(audio).all()
    COUNTS["decoded"] += 1


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".wav", ".mp3", ".flac", ".m4a", ".ogg"]))
def test_arbitrary_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"answer{suffix}"
    path.write_bytes(data)
    check(path)


@PROPERTY_SETTINGS
@given(
    rate=st.integers(min_value=1, max_value=400_000),
    channels=st.integers(min_value=1, max_value=8),
    width=st.sampled_from([1, 2, 4]),
    frames=st.integers(min_value=0, max_value=2000),
    truncate=st.integers(min_value=0, max_value=64),
)
def test_wav_headers_of_any_shape(
    tmp_path: Path, *, rate: int, channels: int, width: int, frames: int, truncate: int
) -> None:
    path = tmp_path / "answer.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(bytes(frames * channels * width))
    if truncate:
        data = path.read_bytes()
        path.write_bytes(data[: max(0, len(data) - truncate)])
    check(path)


@PROPERTY_SETTINGS
@given(
    size_field=st.integers(min_value=0, max_value=2**32 - 1), rate_field=st.integers(min_value=0, max_value=2**32 - 1)
)
def test_lying_header_fields(tmp_path: Path, size_field: int, rate_field: int) -> None:
    path = tmp_path / "answer.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(bytes(3200))
    data = bytearray(path.read_bytes())
    data[24:28] = struct.pack("<I", rate_field)
    data[40:44] = struct.pack("<I", size_field)
    path.write_bytes(bytes(data))
    check(path)


def test_report_counts(pytestconfig: pytest.Config) -> None:
    total = sum(COUNTS.values())
    assert total > 0
    report_cases(
        pytestconfig, "audio loader property cases", total, f"{COUNTS['decoded']} decoded, {COUNTS['refused']} refused"
    )
