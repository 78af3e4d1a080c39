"""Where the speaker pauses: speech regions from faster-whisper's Silero VAD, or from frame energy.

The incremental transcriber cuts the recording at these pauses, so no chunk starts or ends mid-word.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import numpy as np

from tpm_coach.transcription.engine import SAMPLE_RATE, FloatArray

Region = tuple[int, int]  # [start, end) in samples


class SpeechDetector(Protocol):
    def speech_regions(self, audio: FloatArray) -> list[Region]:
        """Speech stretches in `audio` (16 kHz), separated by silences of at least the detector's minimum."""


class SileroSpeechDetector:
    """Silero VAD as shipped with faster-whisper (ONNX, one thread, ~1 ms per second of audio)."""

    def __init__(self, *, min_silence_s: float = 0.3, threshold: float = 0.5) -> None:
        vad: Any = importlib.import_module("faster_whisper.vad")
        self._get_speech_timestamps = vad.get_speech_timestamps
        self._options = vad.VadOptions(
            threshold=threshold,
            min_silence_duration_ms=round(min_silence_s * 1000),
            speech_pad_ms=0,  # exact edges: the transcriber places its own cut inside the silence
            min_speech_duration_ms=100,
        )

    def speech_regions(self, audio: FloatArray) -> list[Region]:
        if len(audio) < 512:
            return []
        found = self._get_speech_timestamps(audio, self._options, sampling_rate=SAMPLE_RATE)
        return [(int(r["start"]), int(r["end"])) for r in found]


class EnergySpeechDetector:
    """Speech where 20 ms frames are well above the quietest frames: no model, for when ONNX is unavailable."""

    def __init__(self, *, min_silence_s: float = 0.3, margin_db: float = 15.0, floor_db: float = -55.0) -> None:
        self._frame = SAMPLE_RATE // 50
        self._min_silence_frames = max(1, round(min_silence_s * 50))
        self._margin_db = margin_db
        self._floor_db = floor_db

    def speech_regions(self, audio: FloatArray) -> list[Region]:
        count = len(audio) // self._frame
        if count == 0:
            return []
        frames = audio[: count * self._frame].reshape(count, self._frame).astype(np.float64)
        energy_db = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
        noise = float(np.percentile(energy_db, 10))
        threshold = max(self._floor_db, noise + self._margin_db)
        voiced = energy_db > threshold
        regions: list[Region] = []
        start: int | None = None
        silent_run = 0
        for index, is_voiced in enumerate(voiced):
            if is_voiced:
                if start is None:
                    start = index
                silent_run = 0
            elif start is not None:
                silent_run += 1
                if silent_run >= self._min_silence_frames:
                    regions.append((start * self._frame, (index - silent_run + 1) * self._frame))
                    start, silent_run = None, 0
        if start is not None:
            regions.append((start * self._frame, (count - silent_run) * self._frame))
        return regions


def default_detector(min_silence_s: float = 0.3) -> SpeechDetector:
    try:
        return SileroSpeechDetector(min_silence_s=min_silence_s)
    except ImportError:
        return EnergySpeechDetector(min_silence_s=min_silence_s)
