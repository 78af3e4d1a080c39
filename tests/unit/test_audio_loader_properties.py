"""Generated audio files: whatever the bytes, the loader returns 16 kHz mono float32 or an AudioFileError."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
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


FMT_PCM16 = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)
UNKNOWN_SIZES = (0, 0xFFFFFFFF)
# A chunk's size field: its true size, what streaming recorders write, or any other (lying) value.
size_fields = st.one_of(st.none(), st.sampled_from(UNKNOWN_SIZES), st.integers(min_value=0, max_value=2**32 - 1))
chunks = st.tuples(
    st.sampled_from([b"fmt ", b"data", b"LIST", b"fact", b"junk", b"\x00\x00\x00\x00"]),
    st.one_of(st.just(FMT_PCM16), st.binary(max_size=64), st.binary(min_size=2, max_size=2000)),
    size_fields,
)


def chunk_bytes(chunk_id: bytes, payload: bytes, size_field: int | None) -> bytes:
    size = len(payload) if size_field is None else size_field
    return chunk_id + struct.pack("<I", size) + payload + (b"\x00" if len(payload) % 2 else b"")


@PROPERTY_SETTINGS
@given(
    layout=st.lists(chunks, max_size=5),
    riff_size=size_fields,
    truncate=st.integers(min_value=0, max_value=64),
)
def test_wav_chunk_layouts_of_any_shape(
    tmp_path: Path, layout: list[tuple[bytes, bytes, int | None]], riff_size: int | None, truncate: int
) -> None:
    body = b"WAVE" + b"".join(chunk_bytes(*chunk) for chunk in layout)
    data = b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body
    path = tmp_path / "answer.wav"
    path.write_bytes(data[: max(12, len(data) - truncate)])
    check(path)


@PROPERTY_SETTINGS
@given(
    samples=st.lists(st.integers(min_value=-32768, max_value=32767), min_size=1, max_size=4000),
    riff_size=st.one_of(st.none(), st.sampled_from(UNKNOWN_SIZES)),
    data_size=st.sampled_from(UNKNOWN_SIZES),
    before_data=st.lists(st.tuples(st.sampled_from([b"LIST", b"fact"]), st.binary(max_size=40)), max_size=2),
)
# Both readers the loader had refused this one: the standard library reads no chunk past a RIFF size of 0,
# and PyAV takes the empty LIST chunk for a malformed one.
@example(samples=[0], riff_size=0, data_size=0, before_data=[(b"LIST", b"")])
def test_unknown_sizes_decode_to_the_same_audio_as_true_sizes(
    tmp_path: Path,
    samples: list[int],
    riff_size: int | None,
    data_size: int,
    before_data: list[tuple[bytes, bytes]],
) -> None:
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    extra = [(chunk_id, payload, None) for chunk_id, payload in before_data]

    def wav(riff_field: int | None, data_field: int | None) -> bytes:
        body = b"WAVE" + chunk_bytes(b"fmt ", FMT_PCM16, None)
        body += b"".join(chunk_bytes(*chunk) for chunk in extra) + chunk_bytes(b"data", pcm, data_field)
        return b"RIFF" + struct.pack("<I", len(body) if riff_field is None else riff_field) + body

    true_path, stream_path = tmp_path / "true.wav", tmp_path / "stream.wav"
    true_path.write_bytes(wav(None, None))
    stream_path.write_bytes(wav(riff_size, data_size))
    expected = load_audio(true_path)
    np.testing.assert_allclose(load_audio(stream_path), expected, atol=1e-6)
    COUNTS["decoded"] += 1


def test_report_counts(pytestconfig: pytest.Config) -> None:
    total = sum(COUNTS.values())
    assert total > 0
    report_cases(
        pytestconfig, "audio loader property cases", total, f"{COUNTS['decoded']} decoded, {COUNTS['refused']} refused"
    )
