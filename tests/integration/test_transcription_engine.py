"""The local engine with the real built-in tiny.en model on real speech (LibriVox) and synthetic answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.support.speech import espeak_answer, librivox_clips, librivox_story, silence
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


@pytest.mark.usefixtures("need_librivox")
def test_a_decode_that_skips_speech_is_redone() -> None:
    from tpm_coach.transcription.catalogue import installed_dir

    if installed_dir("base") is None:
        pytest.skip("Whisper base is not installed here (scripts/install-speech-models VENV_BIN installs it)")
    # A 25 s stretch the incremental path cut from this story, prompted with what was said before it: Whisper
    # base (beam 5) wrote only its last 10 s, which repeat the prompt, and stretched its second word over the
    # 9 s of other speech before them. Too many words for the words-per-second check to catch.
    story, _ = librivox_story(4)
    stretch = story[round(18.128 * 16000) : round(43.0 * 16000)]
    said_before = (
        "Had he married a more amiable woman, he might have been made still more respectable than he was. He might"
        " even have been made amiable himself. And Mr. John Dashwood had then leisure to consider how much there"
        " might be prudently in his power to do for them."
    )
    reference = (
        "unless to be rather cold hearted and rather selfish is to be ill disposed he was not an ill disposed young"
        " man he was not an ill disposed young man he might even have been made amiable himself and mister john"
        " dashwood had then leisure to consider how much there might be prudently in his power to do for them"
    )
    engine = create_engine(TranscriptionSettings(model="base", threads=2, beam_size=5))
    transcript = engine.transcribe(stretch, initial_prompt=said_before)
    assert word_errors(reference, transcript.text).rate <= 0.15, transcript.text
    assert transcript.words[0].start < 2.0
    assert max(w.end - w.start for w in transcript.words) <= 3.0


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


class _BeamSpy:
    """The model's CTranslate2 decoder, noting the beam width of each generate() call."""

    def __init__(self, decoder: object) -> None:
        self._decoder = decoder
        self.beams: list[int] = []

    def generate(self, *args: object, **kwargs: object) -> object:
        self.beams.append(int(kwargs["beam_size"]))  # type: ignore[call-overload]
        return self._decoder.generate(*args, **kwargs)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._decoder, name)


@pytest.mark.usefixtures("need_librivox")
def test_a_draft_decodes_greedily_and_a_final_one_with_the_beam() -> None:
    spy: list[_BeamSpy] = []

    def factory() -> object:
        from faster_whisper import WhisperModel

        from tpm_coach.transcription.models import resolve_model

        model = WhisperModel(str(resolve_model("tiny.en").path), compute_type="int8", cpu_threads=2)
        spy.append(_BeamSpy(model.model))
        model.model = spy[0]
        return model

    engine = FasterWhisperEngine(factory, TranscriptionSettings(threads=2, beam_size=3))
    clip = librivox_clips()[3]
    audio = load_audio(clip.path)
    final = engine.transcribe(audio)
    assert set(spy[0].beams) == {3}
    spy[0].beams.clear()
    draft = engine.transcribe(audio, draft=True)
    assert set(spy[0].beams) == {1}
    assert word_errors(clip.reference, draft.text).rate <= MAX_CLIP_WER
    assert word_errors(clip.reference, final.text).rate <= MAX_CLIP_WER


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
