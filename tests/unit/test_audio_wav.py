"""The crash-safe WAV writer and the repair of files a crash left behind."""

from __future__ import annotations

import shutil
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from tpm_coach.audio.wav import WavAppender, repair_wav
from tpm_coach.errors import AudioFileError


def tone(seconds: float, rate: int = 16000) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def read_frames(path: Path) -> tuple[int, int]:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes(), reader.getframerate()


def test_a_closed_file_is_a_standard_wav_with_every_sample(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    writer = WavAppender(path)
    for _ in range(10):
        writer.append(tone(0.1))
    writer.close()
    assert read_frames(path) == (16000, 16000)
    with wave.open(str(path), "rb") as reader:
        data = np.frombuffer(reader.readframes(16000), dtype="<i2")
    assert np.allclose(data / 32767.0, np.tile(tone(0.1), 10), atol=1e-4)


def test_sync_makes_the_header_match_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    writer = WavAppender(path, sync_interval_s=3600)
    writer.append(tone(0.5))
    assert read_frames(path)[0] == 0  # not synced yet: the header still says empty
    writer.sync()
    assert read_frames(path)[0] == 8000
    writer.close()


def test_the_header_is_updated_by_itself_after_the_interval(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    writer = WavAppender(path, sync_interval_s=0.0)
    writer.append(tone(0.25))
    # A copy taken now is what a kill -9 would leave behind.
    snapshot = tmp_path / "snapshot.wav"
    shutil.copyfile(path, snapshot)
    writer.close()
    assert read_frames(snapshot)[0] == 4000


def test_repair_recovers_audio_written_after_the_last_header_update(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    writer = WavAppender(path, sync_interval_s=3600)
    writer.append(tone(1.0))
    writer.sync()
    writer.append(tone(0.5))
    crashed = tmp_path / "crashed.wav"
    assert writer._file is not None
    writer._file.flush()
    shutil.copyfile(path, crashed)  # the process dies here: data on disk, header says 1.0 s
    writer.close()
    assert read_frames(crashed)[0] == 16000
    assert repair_wav(crashed) == pytest.approx(1.5)
    assert read_frames(crashed) == (24000, 16000)


def test_repair_drops_a_partial_frame_and_fixes_zero_sizes(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    header = b"RIFF" + struct.pack("<I", 0) + b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 16000, 64000, 4, 16)
    header += b"data" + struct.pack("<I", 0)
    path.write_bytes(header + b"\x01\x00\x02\x00" * 100 + b"\x03\x00")  # 100 stereo frames and half of one
    assert repair_wav(path) == pytest.approx(100 / 16000)
    assert read_frames(path) == (100, 16000)
    assert path.stat().st_size == 44 + 400


def test_repair_of_a_complete_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    writer = WavAppender(path)
    writer.append(tone(0.3))
    writer.close()
    before = path.read_bytes()
    assert repair_wav(path) == pytest.approx(0.3)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "missing"),
        (b"", "too short"),
        (b"RIFF\x00\x00", "too short"),
        (b"ID3" + b"\x00" * 100, "not a WAV"),
        (b"RIFF" + b"\x00" * 4 + b"WAVE" + b"junk" + struct.pack("<I", 10**9) + b"\x00" * 40, "damaged"),
    ],
)
def test_repair_refuses_what_it_cannot_fix(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "a.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AudioFileError, match=problem):
        repair_wav(path)


def test_append_after_close_is_a_programming_error(tmp_path: Path) -> None:
    writer = WavAppender(tmp_path / "a.wav")
    writer.close()
    writer.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        writer.append(tone(0.1))
