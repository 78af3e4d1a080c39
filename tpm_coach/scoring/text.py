"""Text checks for scoring: whether there is an answer at all, and where a quoted piece of it sits."""

from __future__ import annotations

import re

from tpm_coach.errors import EmptyAnswerError
from tpm_coach.language.fillers import content_words
from tpm_coach.language.tokens import NormalisedText, normalised

# An answer with fewer real words than this is not sent to any scorer: there is nothing to judge.
MIN_ANSWER_WORDS = 8


def find_quote(quote: str, transcript: NormalisedText) -> tuple[int, int] | None:
    """Character span of `quote` in the original transcript, matched on whole words after normalisation."""
    needle = normalised(quote)
    if not needle:
        return None
    haystack = f" {transcript.text} "
    at = haystack.find(f" {needle} ")
    if at < 0:
        return None
    first = at  # index into transcript.text (the leading pad shifts by one, the space before it by one back)
    last = first + len(needle) - 1
    return transcript.origin[first], transcript.origin[last] + 1


def find_quote_parts(quote: str, transcript: NormalisedText) -> list[tuple[int, int]] | None:
    """Spans for a quote that may elide text with '...' or '…'; None unless every part is in the transcript
    in order."""
    parts = [p for p in re.split(r"\.{3,}|…", quote) if normalised(p)]
    if not parts:
        return None
    spans: list[tuple[int, int]] = []
    floor = 0
    for part in parts:
        span = find_quote(part, transcript)
        if span is None or span[0] < floor:
            # A repeated phrase may occur earlier too; look again after the previous part.
            later = _find_after(part, transcript, floor)
            if later is None:
                return None
            span = later
        spans.append(span)
        floor = span[1]
    return spans


def _find_after(quote: str, transcript: NormalisedText, floor: int) -> tuple[int, int] | None:
    needle = f" {normalised(quote)} "
    haystack = f" {transcript.text} "
    start = 0
    while (at := haystack.find(needle, start)) >= 0:
        span = transcript.origin[at], transcript.origin[at + len(needle) - 3] + 1
        if span[0] >= floor:
            return span
        start = at + 1
    return None


def ensure_answer_present(text: str) -> None:
    """Raise EmptyAnswerError for an empty or near-empty transcript so nothing is scored on nothing."""
    count = len(content_words(text))
    if count < MIN_ANSWER_WORDS:
        heard = "nothing" if count == 0 else f"only {count} word{'s' if count != 1 else ''}"
        raise EmptyAnswerError(
            f"No answer was heard ({heard}), so there is nothing to score",
            "check the microphone level and answer again, or type your answer",
        )
