"""Whisper keeps a spoken "um" only when prompted with disfluent text: the engine does so by default."""

from __future__ import annotations

import pytest

from tests.support.fillers import filler_cases
from tpm_coach.config import TranscriptionSettings
from tpm_coach.language import filler_count, find_fillers
from tpm_coach.transcription.engine_faster_whisper import FasterWhisperEngine
from tpm_coach.transcription.factory import whisper_model_factory
from tpm_coach.transcription.incremental import IncrementalTranscriber

pytestmark = pytest.mark.usefixtures("need_librivox", "need_espeak")


def _engine(keep_fillers: bool) -> FasterWhisperEngine:
    settings = TranscriptionSettings(model="tiny.en", threads=2)
    return FasterWhisperEngine(whisper_model_factory(settings), settings, keep_fillers=keep_fillers)


def test_a_spliced_um_is_lost_without_the_filler_prompt_and_kept_with_it() -> None:
    case = next(c for c in filler_cases() if c.name == "0870 + um")
    plain = _engine(keep_fillers=False).transcribe(case.audio)
    assert filler_count(plain.text) == 0, plain.text  # what Whisper does on its own
    kept = _engine(keep_fillers=True).transcribe(case.audio)
    assert find_fillers(kept.text) == {"um": 1}, kept.text
    # The prompt is context only: none of its words appear in the transcript.
    assert "we did that" not in kept.text.lower()


def test_the_incremental_path_keeps_fillers_between_stretches() -> None:
    case = next(c for c in filler_cases() if c.name == "all clips as one answer")
    transcriber = IncrementalTranscriber(_engine(keep_fillers=True))
    for offset in range(0, len(case.audio), 1600):
        transcriber.feed(case.audio[offset : offset + 1600])
    text = transcriber.finish().text
    assert filler_count(text) >= 2, text
