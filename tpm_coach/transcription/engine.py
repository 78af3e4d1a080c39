"""What every speech-to-text backend offers, and helpers shared by the backends."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from tpm_coach.domain.attempt import Transcript, Word

SAMPLE_RATE = 16000
FloatArray = npt.NDArray[np.float32]


@runtime_checkable
class TranscriptionEngine(Protocol):
    """Turns 16 kHz mono float32 audio into a transcript with word timings (seconds from the audio's start)."""

    @property
    def engine_name(self) -> str: ...

    @property
    def model_name(self) -> str: ...

    def prepare(self) -> None:
        """Load the model (slow the first time): call it in a worker before the first answer."""

    def transcribe(self, audio: FloatArray, *, initial_prompt: str | None = None, draft: bool = False) -> Transcript:
        """`draft`: text shown only while the candidate speaks, soon replaced; it may be decoded faster and
        less exactly."""


# Written the way people speak, so the model keeps writing fillers; it is never part of the transcript.
FILLER_PROMPT = "Um, so, uh, I think, um, we did that."


def speech_prompt(earlier: str | None, *, keep_fillers: bool = True) -> str | None:
    """The prompt for one decode: the text said before it, else (the first stretch) a disfluent sentence.

    Whisper writes clean prose and drops "um" and "uh" unless its prompt shows them. Once there is earlier
    text, it carries the candidate's own style on; the disfluent sentence ahead of it cost accuracy (five
    60 s answers in stretches: 1.40 against 1.20 times the whole file's word error rate) to keep one or two
    more of bench/fillers.py's twelve fillers.
    """
    text = earlier.strip() if earlier else ""
    if text:
        return text
    return FILLER_PROMPT if keep_fillers else None


def text_from_words(words: list[Word]) -> str:
    return " ".join(w.word for w in words if w.word)


def clean_word(raw: str, start: float, end: float, probability: float | None = None) -> Word | None:
    """A Word with sane timings, or None for an empty token."""
    text = raw.strip()
    if not text:
        return None
    start = max(0.0, float(start))
    end = max(start, float(end))
    return Word(word=text, start=round(start, 3), end=round(end, 3), probability=probability)


def spread_words(text: str, start: float, end: float) -> list[Word]:
    """Approximate word timings for a stretch of text known only by its start and end.

    Time is shared out in proportion to word length; good enough for pace and pause metrics when
    a server returns segments without word timestamps.
    """
    tokens = text.split()
    if not tokens:
        return []
    span = max(0.0, end - start)
    weights = [len(t) + 1 for t in tokens]
    total = sum(weights)
    words = []
    position = start
    for token, weight in zip(tokens, weights, strict=True):
        length = span * weight / total
        word = clean_word(token, position, position + length)
        if word is not None:
            words.append(word)
        position += length
    return words


def offset_words(words: list[Word], seconds: float) -> list[Word]:
    if seconds == 0:
        return list(words)
    return [
        w.model_copy(update={"start": round(w.start + seconds, 3), "end": round(w.end + seconds, 3)}) for w in words
    ]
