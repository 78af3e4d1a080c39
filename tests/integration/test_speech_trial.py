"""Measuring a speech model on this computer: in a child process, on the candidate's answer or a shipped sample."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.support.speech import have_librivox, librivox_answer, write_wav
from tpm_coach.config import TranscriptionSettings
from tpm_coach.transcription.trial import (
    TrialCancelled,
    choose_sample,
    judge,
    measure_model,
    shipped_sample,
)


def test_tiny_en_is_measured_on_the_shipped_sample() -> None:
    stages: list[str] = []
    result = measure_model(TranscriptionSettings(model="tiny.en", threads=2), shipped_sample(), stage=stages.append)
    assert stages == ["loading tiny.en", "transcribing 29 s of speech", "transcribing the last 5 s"]
    assert result.window_audio_s == pytest.approx(28.5, abs=0.1)
    assert result.tail_audio_s == 5.0
    assert result.window_s > 0 and result.tail_s > 0
    assert result.peak_memory_mb > 100  # the child's own: the model and its runtime
    assert result.wer is not None and result.wer < 0.3
    assert result.reasons == judge(
        {
            "window_s": result.window_s,
            "window_audio_s": result.window_audio_s,
            "tail_s": result.tail_s,
            "peak_memory_mb": result.peak_memory_mb,
        }
    )
    assert result.summary().startswith("On this computer tiny.en keeps the live text going with")


def test_the_verdict_names_every_budget_missed() -> None:
    fine = {"window_s": 2.0, "window_audio_s": 28.0, "tail_s": 0.4, "peak_memory_mb": 300.0}
    assert judge(fine) == []
    # A tail of 1.1 s: 2.2 s after Stop (a decode like it may still be running), one such decode per 2 s of speech.
    slow = {**fine, "tail_s": 1.1, "peak_memory_mb": 900.0}
    reasons = judge(slow)
    assert len(reasons) == 3
    assert "2.2 s after Stop" in reasons[0] and "per second of speech" in reasons[1] and "900 MB" in reasons[2]


def test_a_long_own_recording_is_preferred_to_the_sample(tmp_path: Path) -> None:
    if not have_librivox():
        pytest.skip("needs Debian pocketsphinx-testdata (LibriVox clips)")
    audio, _ = librivox_answer(repeats=2)
    long_one = write_wav(tmp_path / "long.wav", audio)
    short_one = write_wav(tmp_path / "short.wav", audio[: 16000 * 10])
    chosen = choose_sample(long_one)
    assert chosen.description == "your most recent recorded answer" and chosen.reference is None
    assert chosen.seconds == pytest.approx(len(audio) / 16000, abs=0.01)
    assert choose_sample(short_one).description == "the sample answer shipped with the app"
    assert choose_sample(tmp_path / "gone.wav").reference is not None
    assert choose_sample(None).seconds == pytest.approx(28.5, abs=0.1)


def test_cancelling_stops_the_child_at_once() -> None:
    cancel = threading.Event()
    stages: list[str] = []

    def stage(text: str) -> None:
        stages.append(text)
        cancel.set()

    with pytest.raises(TrialCancelled, match="cancelled"):
        measure_model(TranscriptionSettings(model="tiny.en"), shipped_sample(), cancel=cancel, stage=stage)
    assert stages == ["loading tiny.en"]
    assert not [p for p in multiprocessing.active_children() if p.name == "speech-trial"]


def test_a_model_that_cannot_load_is_reported() -> None:
    sample = shipped_sample()
    silent = type(sample)(np.zeros(16000 * 30, dtype=np.float32), "silence")
    from tpm_coach.errors import TranscriptionError

    with pytest.raises(TranscriptionError, match="does not exist"):
        measure_model(TranscriptionSettings(model="/no/such/model-folder"), silent)


def test_the_installed_base_model_is_found_and_measured() -> None:
    from tpm_coach.transcription.catalogue import get, installed_dir
    from tpm_coach.transcription.models import resolve_model

    folder = installed_dir("base")
    if folder is None:
        pytest.skip("Whisper base is not installed here (scripts/install-speech-models VENV_BIN installs it)")
    assert (folder / "model.bin").stat().st_size == get("base").size_bytes
    assert resolve_model("base").path == folder
    result = measure_model(TranscriptionSettings(model="base", threads=2), shipped_sample())
    assert result.model == "base" and result.wer is not None and result.wer < 0.3
    assert result.peak_memory_mb > 100
    assert result.fits is (result.reasons == [])
