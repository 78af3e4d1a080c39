"""The local engine with the real built-in tiny.en model on real speech (LibriVox) and synthetic answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.support.speech import espeak_answer, librivox_clips, silence
from tpm_coach.audio.loader import load_audio
from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import TranscriptionError
from tpm_coach.language.wer import word_errors
from tpm_coach.transcription import create_engine
from tpm_coach.transcription.engine import TranscriptionEngine
from tpm_coach.transcription.engine_faster_whisper import FasterWhisperEngine

# Measured with tiny.en int8: 0.00-0.25 per clip (the 8-word clip loses "ill disposed"), 0.07 over all
# five (5 errors in 72 words). A decoding or audio-path fault gives far more.
MAX_CLIP_WER = 0.3
MAX_TOTAL_WER = 0.1


@pytest.mark.usefixtures("need_librivox")
def test_librivox_clips_match_their_reference_transcripts(whisper: TranscriptionEngine) -> None:
    total = word_errors("", "")
    for clip in librivox_clips():
        audio = load_audio(clip.path)
        transcript = whisper.transcribe(audio)
        errors = word_errors(clip.reference, transcript.text)
        assert errors.rate <= MAX_CLIP_WER, (clip.path.name, transcript.text)
        total = total + errors
        # Word timings are seconds into the clip, in order, inside the audio.
        starts = [w.start for w in transcript.words]
        assert starts == sorted(starts)
        assert all(0 <= w.start <= w.end <= len(audio) / 16000 + 0.05 for w in transcript.words)
        assert transcript.engine == "faster-whisper"
        assert transcript.model == "tiny.en"
    assert total.rate <= MAX_TOTAL_WER


@pytest.mark.usefixtures("need_librivox")
def test_a_prompt_is_accepted_and_silence_gives_no_words(whisper: TranscriptionEngine) -> None:
    clip = librivox_clips()[3]
    transcript = whisper.transcribe(load_audio(clip.path), initial_prompt="Mister John Dashwood had then leisure.")
    assert word_errors(clip.reference, transcript.text).rate <= MAX_CLIP_WER
    assert whisper.transcribe(silence(3.0)).words == []
    assert whisper.transcribe(np.zeros(100, dtype=np.float32)).text == ""


@pytest.mark.usefixtures("need_espeak")
@pytest.mark.parametrize("earlier", ["...", "Okay. Okay. Okay. Okay. Okay."])
def test_a_prompt_that_derails_the_decode_does_not_cost_the_answer(
    whisper: TranscriptionEngine, speech_dir: Path, earlier: str
) -> None:
    # Prompted with these, tiny.en hears this 20 s answer as "..." or as its one sentence about a risk review
    # (measured: 1 and 11 words); Whisper base did the same to a whole stretch after the disfluent prompt.
    audio, reference = espeak_answer(speech_dir, 20, seed=1)
    transcript = whisper.transcribe(audio, initial_prompt=earlier)
    assert word_errors(reference, transcript.text).rate <= 0.25
    assert transcript.words[0].start < 2.0 and transcript.words[-1].end >= len(audio) / 16000 - 3.0


@pytest.mark.slow
@pytest.mark.usefixtures("need_espeak")
def test_audio_longer_than_one_window_is_transcribed_whole(whisper: TranscriptionEngine, speech_dir: Path) -> None:
    audio, reference = espeak_answer(speech_dir, 45, seed=3)
    transcript = whisper.transcribe(audio)
    # tiny.en reads espeak-ng at about 0.10; the words must run to the end of the 45 s.
    assert word_errors(reference, transcript.text).rate <= 0.2
    assert transcript.words[-1].end >= len(audio) / 16000 - 3.0


def test_the_model_loads_once_and_a_broken_model_is_a_clear_error(tmp_path: Path) -> None:
    loads = []
    settings = TranscriptionSettings(threads=2)

    def factory() -> object:
        loads.append(1)
        from faster_whisper import WhisperModel

        from tpm_coach.transcription.models import resolve_model

        return WhisperModel(str(resolve_model("tiny.en").path), compute_type="int8", cpu_threads=2)

    engine = FasterWhisperEngine(factory, settings)
    assert not engine.loaded
    engine.prepare()
    engine.prepare()
    engine.transcribe(silence(0.5))
    assert loads == [1]

    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    engine = create_engine(TranscriptionSettings(model=str(broken)))
    with pytest.raises(TranscriptionError, match="could not be loaded"):
        engine.prepare()
    with pytest.raises(TranscriptionError, match="compute type"):
        create_engine(TranscriptionSettings(compute_type="no-such-type")).prepare()


@pytest.mark.usefixtures("need_librivox", "need_espeak")
def test_the_encoder_sees_the_audio_and_a_little_padding_not_a_whole_window(speech_dir: Path) -> None:
    windows: list[int] = []

    def factory() -> object:
        from faster_whisper import WhisperModel

        from tpm_coach.transcription.models import resolve_model

        model = WhisperModel(str(resolve_model("tiny.en").path), compute_type="int8", cpu_threads=2)
        encode = model.encode

        def recording_encode(features: np.ndarray, *args: object, **kwargs: object) -> object:
            windows.append(features.shape[-1])
            return encode(features, *args, **kwargs)

        model.encode = recording_encode
        return model

    engine = FasterWhisperEngine(factory, TranscriptionSettings(threads=2))
    clip = librivox_clips()[0]  # 7.1 s
    assert word_errors(clip.reference, engine.transcribe(load_audio(clip.path)).text).rate <= MAX_CLIP_WER
    answer, reference = espeak_answer(speech_dir, 20, seed=1)
    answer = answer[: 16000 * 22]
    transcript = engine.transcribe(answer)
    assert word_errors(reference, transcript.text).rate <= 0.25  # the reference runs on past the cut
    seconds = len(answer) / 16000
    # 100 feature frames per second: the 15 s minimum, then the answer rounded up plus 1 s.
    assert windows == [1500, round((math.ceil(seconds) + 1) * 100)]
    assert transcript.words[-1].end >= seconds - 3.0
