"""Join separately transcribed stretches into one transcript, reconciling the seams between them."""

from __future__ import annotations

import re

from tpm_coach.domain.attempt import Word
from tpm_coach.transcription.engine import text_from_words

_SEAM_WINDOW_S = 1.0
_MAX_REPEAT = 3
_NON_WORD = re.compile(r"[^\w']+")


def _norm(token: str) -> str:
    return _NON_WORD.sub("", token.lower())


def drop_seam_repeats(before: list[Word], after: list[Word], seam_s: float) -> list[Word]:
    """Drop up to three words at the start of `after` that repeat the end of `before` across the cut.

    Whisper, prompted with the previous text, sometimes says its last words again; and a cut
    forced inside a word can make both sides hear it. Only words within a second of the seam count.
    """
    if not before or not after:
        return after
    for count in range(min(_MAX_REPEAT, len(before), len(after)), 0, -1):
        tail, head = before[-count:], after[:count]
        if [_norm(w.word) for w in tail] != [_norm(w.word) for w in head]:
            continue
        if head[0].start - seam_s <= _SEAM_WINDOW_S and seam_s - tail[-1].end <= _SEAM_WINDOW_S:
            return after[count:]
    return after


def join_chunks(chunks: list[tuple[float, str, list[Word]]]) -> tuple[str, list[Word]]:
    """(seam time, text, absolute words) per chunk -> the joined text and words."""
    texts: list[str] = []
    words: list[Word] = []
    for seam, chunk_text, chunk_words in chunks:
        text = chunk_text
        if chunk_words:
            kept = drop_seam_repeats(words, chunk_words, seam)
            if len(kept) != len(chunk_words):
                text = text_from_words(kept)
            words.extend(kept)
        if text.strip():
            texts.append(text.strip())
    return " ".join(texts), words
