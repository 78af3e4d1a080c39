"""Loading answer files: any common format to 16 kHz mono, and a clear AudioFileError for bad files."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from tests.support.speech import write_wav
from tpm_coach.audio.loader import load_audio
from tpm_coach.errors import AudioFileError


def sine(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return (0.4 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def encode(path: Path, codec: str, rate: int, seconds: float, channels: int = 1) -> Path:
    """Write a compressed file with PyAV (the same library the app decodes with)."""
    data = sine(rate, seconds)
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        convert = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=rate)
        step = 1024
        for start in range(0, len(data), step):
            piece = data[start : start + step]
            packed = np.repeat(piece[:, None], channels, axis=1).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(packed), format="flt", layout=layout)
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for converted in convert.resample(frame):
                for packet in stream.encode(converted):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def dominant_frequency(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio))
    return float(np.argmax(spectrum) * 16000 / len(audio))


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (44100, 2), (48000, 1), (16000, 1), (22050, 2)])
def test_wav_of_any_rate_and_channel_count_becomes_16k_mono(tmp_path: Path, rate: int, channels: int) -> None:
    path = write_wav(tmp_path / "a.wav", sine(rate, 2.0), rate=rate, channels=channels)
    audio = load_audio(path)
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert len(audio) == 32000
    assert dominant_frequency(audio) == pytest.approx(440, abs=2)
    assert np.max(np.abs(audio)) == pytest.approx(0.4, abs=0.02)


@pytest.mark.parametrize(
    ("codec", "suffix", "channels"),
    [("flac", "flac", 1), ("libmp3lame", "mp3", 2), ("aac", "m4a", 2), ("libopus", "ogg", 1)],
)
def test_compressed_formats_decode_through_pyav(tmp_path: Path, codec: str, suffix: str, channels: int) -> None:
    rate = 48000 if codec == "libopus" else 44100
    path = encode(tmp_path / f"a.{suffix}", codec, rate, 2.0, channels)
    audio = load_audio(path)
    assert audio.dtype == np.float32
    # Lossy codecs pad the start and end a little.
    assert len(audio) == pytest.approx(32000, abs=1600)
    assert dominant_frequency(audio) == pytest.approx(440, abs=3)


def test_24_bit_and_float_wav_are_read(tmp_path: Path) -> None:
    data = sine(16000, 1.0)
    pcm24 = np.round(data * (2**23 - 1)).astype("<i4")
    raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in pcm24)
    fmt24 = struct.pack("<HHIIHH", 1, 1, 16000, 48000, 3, 24)
    path24 = tmp_path / "a24.wav"
    path24.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + len(raw))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt24
        + b"data"
        + struct.pack("<I", len(raw))
        + raw
    )
    assert np.allclose(load_audio(path24), data, atol=1e-4)

    rawf = data.astype("<f4").tobytes()
    fmtf = struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32)
    pathf = tmp_path / "af.wav"
    pathf.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + len(rawf))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmtf
        + b"data"
        + struct.pack("<I", len(rawf))
        + rawf
    )
    assert np.allclose(load_audio(pathf), data, atol=1e-4)


def test_a_wav_cut_short_by_a_crash_loads_what_is_there(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", sine(16000, 2.0))
    path.write_bytes(path.read_bytes()[: 44 + 16000])  # header still claims 2 s
    assert len(load_audio(path)) == 8000


def wav_with_rate(path: Path, rate: int, data_bytes: bytes = b"\x00\x01" * 1000) -> Path:
    fmt = struct.pack("<HHIIHH", 1, 1, rate, (rate * 2) & 0xFFFFFFFF, 2, 16)
    path.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + len(data_bytes))
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", len(data_bytes))
        + data_bytes
    )
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.write_bytes(b""), p)[1], "empty"),
        (lambda p: wav_with_rate(p, 16000, b""), "zero length"),
        (lambda p: wav_with_rate(p, 4_000_000_000), "sample rate 4000000000 Hz is not plausible"),
        (lambda p: wav_with_rate(p, 0), "sample rate 0 Hz is not plausible"),
        (lambda p: (p.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt \x99\x99"), p)[1], "not a readable audio file"),
        (lambda p: (p.write_bytes(bytes(range(256)) * 40), p)[1], "not a readable audio file"),
    ],
    ids=["missing", "empty", "zero-length", "absurd-rate", "zero-rate", "corrupt-header", "garbage"],
)
def test_unusable_files_raise_a_clear_audio_file_error(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path / "answer.wav")  # type: ignore[operator]
    with pytest.raises(AudioFileError, match=message) as caught:
        load_audio(path)
    assert str(tmp_path / "answer.wav") in str(caught.value)


def test_a_truncated_flac_is_refused(tmp_path: Path) -> None:
    path = encode(tmp_path / "a.flac", "flac", 16000, 2.0)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(AudioFileError, match=r"a\.flac"):
        load_audio(path)


def test_a_folder_is_not_an_audio_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="folder"):
        load_audio(tmp_path)


def test_files_longer_than_the_limit_are_refused(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", sine(8000, 3.0), rate=8000)
    flac = encode(tmp_path / "long.flac", "flac", 16000, 3.0)
    for candidate in (path, flac):
        with pytest.raises(AudioFileError, match="minutes"):
            load_audio(candidate, max_duration_s=2.0)
    assert len(load_audio(path, max_duration_s=4.0)) == 48000


def riff(fmt: bytes, data: bytes, *, riff_size: int | None = None, data_size: int | None = None) -> bytes:
    """A WAV file from its parts, with the RIFF and data size fields as given (true sizes by default)."""
    body = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    head = b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size)
    out = head + body
    if data_size is not None:
        at = len(head) + len(b"WAVE") + 8 + len(fmt) + len(b"data")
        out = out[:at] + struct.pack("<I", data_size) + out[at + 4 :]
    return out


PCM16_MONO_16K = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)


@pytest.mark.parametrize(
    ("riff_size", "data_size"),
    [(0xFFFFFFFF, 0xFFFFFFFF), (None, 0xFFFFFFFF), (None, 0), (0, 0), (0xFFFFFFFF, 0)],
    ids=["both-unknown", "data-unknown", "data-zero", "both-zero", "riff-unknown-data-zero"],
)
def test_a_wav_whose_sizes_a_streaming_recorder_left_unknown_is_read_whole(
    tmp_path: Path, riff_size: int | None, data_size: int
) -> None:
    data = sine(16000, 2.0)
    pcm = np.round(data * 32767).astype("<i2").tobytes()
    path = tmp_path / "stream.wav"
    path.write_bytes(riff(PCM16_MONO_16K, pcm, riff_size=riff_size, data_size=data_size))
    audio = load_audio(path)
    assert len(audio) == 32000
    assert np.allclose(audio, data, atol=1e-3)


@pytest.mark.parametrize(
    "extra_chunk",
    [
        b"LIST" + struct.pack("<I", 1_000_000_000) + b"INFOabcd",  # runs past the end of the file
        b"LIST" + struct.pack("<I", 0xFFFFFFFF),
        b"junk" + struct.pack("<I", 7) + b"\x01",
    ],
    ids=["chunk-past-end", "chunk-size-unknown", "chunk-cut-short"],
)
def test_a_wav_with_a_damaged_chunk_before_its_data_is_an_audio_file_error(tmp_path: Path, extra_chunk: bytes) -> None:
    pcm = np.zeros(1600, dtype="<i2").tobytes()
    fmt = b"fmt " + struct.pack("<I", len(PCM16_MONO_16K)) + PCM16_MONO_16K
    data = b"data" + struct.pack("<I", len(pcm)) + pcm
    body = b"WAVE" + fmt + extra_chunk + data
    path = tmp_path / "answer.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(AudioFileError) as caught:
        load_audio(path)
    assert str(path) in caught.value.message
