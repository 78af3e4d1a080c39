"""The one sentence splitter: sentences with their character offsets, shared by the offline scorer's evidence,
the transcript highlights and the sentence numbers an LLM cites evidence by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tpm_coach.language.tokens import word_spans

# Sentence ends: . ! ? or ; followed by space, or a blank line (a typed answer may wrap lines mid-sentence).
# Decimal points ("2.5") are not ends.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+|\n[ \t]*\n\s*")
MAX_SENTENCE_WORDS = 45


@dataclass(frozen=True)
class Sentence:
    """`text` is exactly `source[start:end]`."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order with their spans; a run of more than 45 words without an end is cut into pieces of
    at most 45 words, so one run-on transcript is not one sentence that mentions everything."""
    sentences: list[Sentence] = []
    position = 0
    for piece in _SENTENCE_END_RE.split(text):
        start = text.find(piece, position)
        position = start + len(piece)
        stripped = piece.strip()
        if not stripped:
            continue
        offset = start + piece.index(stripped)
        sentences.extend(_cut_long(Sentence(offset, offset + len(stripped), stripped)))
    return sentences


def _cut_long(sentence: Sentence) -> list[Sentence]:
    spans = word_spans(sentence.text)
    if len(spans) <= MAX_SENTENCE_WORDS:
        return [sentence]
    out = []
    for i in range(0, len(spans), MAX_SENTENCE_WORDS):
        chunk = spans[i : i + MAX_SENTENCE_WORDS]
        begin, finish = chunk[0][0], chunk[-1][1]
        out.append(Sentence(sentence.start + begin, sentence.start + finish, sentence.text[begin:finish]))
    return out
