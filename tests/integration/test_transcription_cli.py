"""`tpm-coach transcribe FILE [--model M] [--json]`, run as a real process with the built-in model."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from tests.support.cli import tpm
from tests.support.speech import librivox_clips, read_wav, write_wav
from tpm_coach.language.wer import wer

TRANSCRIBE_S = 300  # loading the speech model is most of it


@pytest.mark.usefixtures("need_librivox")
def test_json_output_has_text_timed_words_and_metrics(tmp_path: Path) -> None:
    clip = librivox_clips()[0]
    stereo = write_wav(tmp_path / "answer.wav", read_wav(clip.path), rate=16000, channels=2)
    result = tpm("transcribe", str(stereo), "--json", "--model", "tiny.en", timeout=TRANSCRIBE_S)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert wer(clip.reference, data["text"]) <= 0.2
    assert set(data["words"][0]) == {"word", "start", "end"}
    assert all(w["start"] <= w["end"] for w in data["words"])
    metrics = data["metrics"]
    assert metrics["word_count"] == len(data["words"])
    assert 100 < metrics["words_per_minute"] < 300
    assert {"filler_count", "long_pauses", "hedge_count", "speaking_time_s"} <= set(metrics)


@pytest.mark.usefixtures("need_librivox")
def test_plain_output_is_the_text(tmp_path: Path) -> None:
    clip = librivox_clips()[4]
    result = tpm("transcribe", str(clip.path), timeout=TRANSCRIBE_S)
    assert result.returncode == 0, result.stderr
    assert wer(clip.reference, result.stdout) <= 0.2
    assert "transcribe" in tpm("--help").stdout


def bad_files(folder: Path) -> dict[str, Path]:
    corrupt = folder / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200)))
    empty = folder / "empty.mp3"
    empty.write_bytes(b"")
    zero = folder / "zero.wav"
    write_wav(zero, read_wav(librivox_clips()[0].path)[:0])
    absurd = folder / "absurd.wav"
    fmt = struct.pack("<HHIIHH", 1, 1, 3_000_000_000, 4_000_000_000 & 0xFFFFFFFF, 2, 16)
    absurd.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + 2000)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", 2000)
        + b"\x00" * 2000
    )
    return {"corrupt": corrupt, "empty": empty, "zero": zero, "absurd": absurd, "missing": folder / "nope.flac"}


@pytest.mark.usefixtures("need_librivox")
def test_bad_files_exit_2_with_one_clear_line(tmp_path: Path) -> None:
    expected = {
        "corrupt": "not a readable audio file",
        "empty": "empty",
        "zero": "zero length",
        "absurd": "not plausible",
        "missing": "no such file",
    }
    for name, path in bad_files(tmp_path).items():
        result = tpm("transcribe", str(path), "--json", timeout=TRANSCRIBE_S)
        assert result.returncode == 2, (name, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert expected[name] in lines[0]
        assert str(path) in lines[0]
        assert result.stdout == ""


def test_an_unknown_model_exits_2(tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "silent.wav", read_wav(librivox_clips()[0].path)[:16000] * 0)
    result = tpm("transcribe", str(silent), "--model", "huge.en", timeout=TRANSCRIBE_S)
    assert result.returncode == 2
    assert "not a known Whisper model" in result.stderr


def test_a_wav_with_a_chunk_running_past_its_end_exits_2_without_a_traceback(tmp_path: Path) -> None:
    pcm = bytes(3200)
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    body = b"WAVE" + fmt + b"LIST" + struct.pack("<I", 1_000_000_000) + b"INFO" + b"data" + struct.pack("<I", 3200)
    damaged = tmp_path / "damaged.wav"
    damaged.write_bytes(b"RIFF" + struct.pack("<I", len(body) + len(pcm)) + body + pcm)
    result = tpm("transcribe", str(damaged), timeout=TRANSCRIBE_S)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert str(damaged) in line and "not a readable audio file" in line


@pytest.mark.usefixtures("need_librivox")
def test_a_wav_from_a_streaming_recorder_is_transcribed(tmp_path: Path) -> None:
    clip = librivox_clips()[0]
    streamed = tmp_path / "streamed.wav"
    data = bytearray(write_wav(tmp_path / "whole.wav", read_wav(clip.path)).read_bytes())
    data[4:8] = data[40:44] = struct.pack("<I", 0xFFFFFFFF)  # sizes a recorder that cannot seek leaves
    streamed.write_bytes(bytes(data))
    result = tpm("transcribe", str(streamed), "--model", "tiny.en", timeout=TRANSCRIBE_S)
    assert result.returncode == 0, result.stderr
    assert wer(clip.reference, result.stdout) <= 0.2
