"""Delivery metrics for one answer: pace and long pauses from the word timings, fillers and hedges from the text.

Speaking time runs from the first word's start to the last word's end, and words per minute uses it. A long
pause is a gap of 2 s or more between one word's end and the next word's start. Fillers and hedges are counted
by `language.fillers`, the same count the scorers use.
"""

from __future__ import annotations

import itertools

from tpm_coach.domain.attempt import DeliveryMetrics, Transcript, Word
from tpm_coach.language.fillers import find_fillers, find_hedges
from tpm_coach.language.tokens import words as text_words

LONG_PAUSE_S = 2.0


def _pauses(words: list[Word]) -> list[float]:
    return [max(0.0, b.start - a.end) for a, b in itertools.pairwise(words)]


def compute_delivery_metrics(transcript: Transcript, *, duration_s: float | None = None) -> DeliveryMetrics:
    """Metrics for one answer. Without word timings, `duration_s` (the recording) stands in for speaking time."""
    words = [w for w in transcript.words if w.word.strip()]
    word_count = len(words) if words else len(text_words(transcript.text))
    speaking = max(0.0, words[-1].end - words[0].start) if words else (duration_s or 0.0)
    gaps = _pauses(words)
    long_gaps = [g for g in gaps if g >= LONG_PAUSE_S]
    fillers = find_fillers(transcript.text)
    hedges = find_hedges(transcript.text)
    return DeliveryMetrics(
        speaking_time_s=round(speaking, 2),
        word_count=word_count,
        words_per_minute=round(word_count / speaking * 60.0, 1) if speaking > 0 else 0.0,
        filler_count=sum(fillers.values()),
        fillers=fillers,
        long_pauses=len(long_gaps),
        longest_pause_s=round(max(gaps, default=0.0), 2),
        hedge_count=sum(hedges.values()),
        hedges=hedges,
    )
