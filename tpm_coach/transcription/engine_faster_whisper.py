"""Local transcription with faster-whisper (CTranslate2), the model loaded once on first use.

Audio up to `SINGLE_WINDOW_S` is decoded as exactly one Whisper window (faster-whisper's batched
pipeline with a batch of one): the sequential decoder would seek back to the last word and run a
second window over the few hundred milliseconds after it, where a prompted model tends to loop
("...", repeated words) through every temperature fallback, costing seconds. That window is cut to the
audio plus a little padding (at least 15 s) rather than padded to 30 s, which makes a short decode about
three times cheaper; a decode that repeats itself is redone without the earlier text, and one that leaves speech
out (under one word a second of it, or one word laid over seconds of it) without any prompt, keeping the better
of the two. Drafts (live text, soon replaced) decode greedily; the rest with the catalogue's beam. Longer
audio uses the sequential decoder with its usual 30 s windows, prompts and temperature fallback, redone
without a prompt when it goes astray in the same ways.

Whisper writes clean prose and drops "um" and "uh" unless its prompt shows them: a decode with no earlier
text is prompted with a short disfluent sentence (`engine.speech_prompt`), so the fillers a candidate says
reach the transcript and the filler count (bench/fillers.py measures recall and precision with and without it).
"""

from __future__ import annotations

import functools
import importlib
import logging
import math
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from tpm_coach.config import TranscriptionSettings
from tpm_coach.domain.attempt import Transcript, Word
from tpm_coach.errors import KnownError, TranscriptionError
from tpm_coach.transcription import catalogue
from tpm_coach.transcription.engine import SAMPLE_RATE, FloatArray, clean_word, speech_prompt

log = logging.getLogger(__name__)

SINGLE_WINDOW_S = 29.0
_MIN_AUDIO_S = 0.1  # shorter than this, Whisper only invents words
_LOOP_COMPRESSION_RATIO = 2.4  # above this a decode is repeating itself (Whisper's own threshold)
# Bound one window's output: fast speech is ~4 tokens/s; a loop stops early instead of at 448 tokens.
_TOKENS_PER_S = 8
_MAX_NEW_TOKENS = 200
# The encoder sees the audio plus this much of the padding, at least _MIN_WINDOW_S, instead of a whole 30 s
# window: its cost grows with the window (tiny.en int8, 2 cores: 0.40 s for 30 s, 0.10 s for 15 s), and
# it was most of every short decode. Shorter than 15 s, short decodes began to repeat themselves and
# the LibriVox answers lost words (bench/transcription.py, 5 x 60 s espeak + 5 LibriVox, lockstep).
_MIN_WINDOW_S = 15.0
_WINDOW_MARGIN_S = 1.0
# A decode with fewer words than this per second of speech (after the voice detector) lost its way.
_DERAILED_WORDS_PER_S = 1.0
_DERAILED_MIN_SPEECH_S = 4.0
# A "word" longer than this was laid over speech the decode left out: Whisper base, prompted, wrote the last
# 10 s of a 25 s stretch, and its second word took the 9 s before them.
_STRETCHED_WORD_S = 3.0


class FasterWhisperEngine:
    """A TranscriptionEngine over a `faster_whisper.WhisperModel` made by `model_factory` (once, thread-safe).

    Calls are serialised: one model, and the CPU is the limit anyway.
    """

    engine_name = "faster-whisper"

    def __init__(
        self,
        model_factory: Callable[[], Any],
        settings: TranscriptionSettings,
        *,
        model_name: str | None = None,
        vad_filter: bool = True,
        keep_fillers: bool = True,
    ) -> None:
        self._factory = model_factory
        self._settings = settings
        self._model_name = model_name or settings.model
        self._vad_filter = vad_filter
        self._keep_fillers = keep_fillers
        self._beam_size = catalogue.beam_size(settings.model, settings.beam_size)
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def prepare(self) -> None:
        self._get_model()

    def _get_model(self) -> Any:
        with self._load_lock:
            if self._model is None:
                try:
                    self._model = self._factory()
                except KnownError:
                    raise
                except (RuntimeError, ValueError, OSError) as exc:
                    raise TranscriptionError(
                        f"the speech model '{self._model_name}' could not be loaded ({exc})",
                        "check the model and compute type in Settings > Transcription (int8 works on any CPU)",
                    ) from exc
            return self._model

    def transcribe(self, audio: FloatArray, *, initial_prompt: str | None = None, draft: bool = False) -> Transcript:
        samples = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
        seconds = len(samples) / SAMPLE_RATE
        if seconds < _MIN_AUDIO_S:
            return self._transcript([], [])
        model = self._get_model()
        prompt = speech_prompt(initial_prompt, keep_fillers=self._keep_fillers)
        beam = 1 if draft else self._beam_size
        with self._run_lock:
            try:
                if seconds <= SINGLE_WINDOW_S:
                    segments = self._single(model, samples, prompt, seconds, beam)
                else:
                    segments, speech_s = self._sequential(model, samples, prompt, beam)
                    if prompt is not None and (_looped(segments) or _derailed(segments, speech_s)):
                        log.info("decode of %.1f s went astray; redoing it without a prompt", seconds)
                        segments = _better(segments, self._sequential(model, samples, None, beam)[0])
                texts, words = self._collect(segments)
            except (RuntimeError, ValueError) as exc:
                raise TranscriptionError(
                    f"transcription failed ({exc})", "try again; if it keeps failing choose another model"
                ) from exc
        return self._transcript(texts, words)

    def _single(self, model: Any, samples: FloatArray, prompt: str | None, seconds: float, beam: int) -> list[Any]:
        """One window, redone when the decode repeats itself or leaves speech out."""
        segments, speech_s = self._one_window(model, samples, prompt, seconds, beam)
        unprompted = speech_prompt(None, keep_fillers=self._keep_fillers)
        if _looped(segments) and prompt != unprompted:
            # Mostly a few seconds cut off mid-sentence after a long prompt: without the earlier text none of
            # the loops collected from the transcription bench came back.
            log.info("decode of %.1f s repeated itself; redoing it without the earlier text", seconds)
            segments, speech_s = self._one_window(model, samples, unprompted, seconds, beam)
        if prompt is not None and _derailed(segments, speech_s):
            # Whisper base, prompted with the disfluent sentence, heard 19 s of a clear answer as "I".
            log.info("decode of %.1f s left speech out; redoing it without a prompt", seconds)
            segments = _better(segments, self._one_window(model, samples, None, seconds, beam)[0])
        if _looped(segments):
            log.info("decode of %.1f s repeated itself; redoing it with temperature fallback", seconds)
            segments = _better(segments, self._sequential(model, samples, unprompted, beam)[0])
        return segments

    def _one_window(
        self, model: Any, samples: FloatArray, prompt: str | None, seconds: float, beam: int
    ) -> tuple[list[Any], float]:
        """The segments and the seconds of speech the voice detector found in the audio."""
        pipeline = _short_window_pipeline()(model, _window_s(seconds))  # holds per-call state: one per call
        segments, info = pipeline.transcribe(
            samples,
            language=self._settings.language or None,
            beam_size=beam,
            word_timestamps=True,
            vad_filter=self._vad_filter,
            initial_prompt=(" " + prompt) if prompt else None,
            batch_size=1,
            max_new_tokens=min(_MAX_NEW_TOKENS, math.ceil(seconds * _TOKENS_PER_S) + 16),
        )
        return list(segments), _speech_s(info)

    def _sequential(self, model: Any, samples: FloatArray, prompt: str | None, beam: int) -> tuple[list[Any], float]:
        segments, info = model.transcribe(
            samples,
            language=self._settings.language or None,
            beam_size=beam,
            word_timestamps=True,
            vad_filter=self._vad_filter,
            initial_prompt=prompt,
            condition_on_previous_text=True,
        )
        # Segments are generated lazily: the decoding happens while iterating.
        return list(segments), _speech_s(info)

    @staticmethod
    def _collect(segments: Iterable[Any]) -> tuple[list[str], list[Word]]:
        texts: list[str] = []
        words: list[Word] = []
        for segment in segments:
            texts.append(segment.text.strip())
            for raw in segment.words or []:
                word = clean_word(raw.word, raw.start, raw.end, float(raw.probability))
                if word is not None:
                    words.append(word)
        return texts, words

    def _transcript(self, texts: list[str], words: list[Word]) -> Transcript:
        return Transcript(
            text=" ".join(t for t in texts if t),
            words=words,
            language=self._settings.language or "en",
            engine=self.engine_name,
            model=self._model_name,
        )


def _looped(segments: list[Any]) -> bool:
    return any(s.compression_ratio > _LOOP_COMPRESSION_RATIO for s in segments)


def _word_count(segments: list[Any]) -> int:
    return sum(len(s.words or []) for s in segments)


def _speech_s(info: Any) -> float:
    return float(info.duration_after_vad)  # the whole audio when the voice detector is off


def _derailed(segments: list[Any], speech_s: float) -> bool:
    """Speech left out: far fewer words than it holds (people say two to three a second), or one word over seconds."""
    if speech_s >= _DERAILED_MIN_SPEECH_S and _word_count(segments) < _DERAILED_WORDS_PER_S * speech_s:
        return True
    return any(w.end - w.start > _STRETCHED_WORD_S for s in segments for w in s.words or [])


def _better(first: list[Any], second: list[Any]) -> list[Any]:
    """Of two decodes of the same audio: one that does not repeat itself, then the one with more words."""
    return max((first, second), key=lambda segments: (not _looped(segments), _word_count(segments)))


def _window_s(seconds: float) -> float:
    return min(30.0, max(_MIN_WINDOW_S, math.ceil(seconds) + _WINDOW_MARGIN_S))


@functools.cache
def _short_window_pipeline() -> Any:
    """faster-whisper's batched pipeline with the encoder input cut to `window_s` instead of padded to 30 s."""
    faster_whisper: Any = importlib.import_module("faster_whisper")

    class ShortWindowPipeline(faster_whisper.BatchedInferencePipeline):  # type: ignore[misc]
        def __init__(self, model: Any, window_s: float) -> None:
            super().__init__(model)
            self.window_frames = round(window_s * model.frames_per_second)

        def forward(self, features: Any, tokenizer: Any, chunks_metadata: Any, options: Any) -> Any:
            return super().forward(features[..., : self.window_frames], tokenizer, chunks_metadata, options)

    return ShortWindowPipeline
