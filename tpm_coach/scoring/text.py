"""Text helpers for scoring: light normalisation with offsets, quote finding, sentences, words and stems."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tpm_coach.errors import EmptyAnswerError

# An answer with fewer real words than this is not sent to any scorer: there is nothing to judge.
MIN_ANSWER_WORDS = 8

FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "mhm", "like"})
FILLER_PHRASES = ("you know", "i mean", "sort of", "kind of")
HEDGES = (
    "maybe",
    "probably",
    "i guess",
    "i think",
    "perhaps",
    "possibly",
    "hopefully",
    "i suppose",
    "not sure",
    "might have",
    "somewhat",
)

_APOSTROPHES = frozenset("'’‘`´")
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# Sentence ends: . ! ? or ; followed by space, or a blank line (a typed answer may wrap lines mid-sentence).
# Decimal points ("2.5") are not ends.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+|\n[ \t]*\n\s*")
_MAX_SENTENCE_WORDS = 45


@dataclass(frozen=True)
class NormalisedText:
    """`text` lower-cased with punctuation runs collapsed to one space; `origin[i]` is the index in the
    original string of normalised character `i`."""

    text: str
    origin: tuple[int, ...]


def normalise(text: str) -> NormalisedText:
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _APOSTROPHES:
            continue  # "don't" and "dont" are the same words to a listener
        folded = unicodedata.normalize("NFKC", char).casefold()
        for piece in folded:
            if piece.isalnum():
                out.append(piece)
                origin.append(index)
            elif out and out[-1] != " ":
                out.append(" ")
                origin.append(index)
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    return NormalisedText("".join(out), tuple(origin))


def normalised(text: str) -> str:
    return normalise(text).text


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


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def words(self) -> list[str]:
        return words(self.text)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their spans; very long unpunctuated runs are cut into pieces of at most ~45 words
    so one run-on transcript cannot count as a single sentence that mentions everything."""
    sentences: list[Sentence] = []
    position = 0
    for piece in [*_SENTENCE_END_RE.split(text)]:
        start = text.find(piece, position)
        position = start + len(piece)
        stripped = piece.strip()
        if not stripped:
            continue
        offset = start + piece.index(stripped)
        sentences.extend(_cut_long(Sentence(offset, offset + len(stripped), stripped)))
    return sentences


def _cut_long(sentence: Sentence) -> list[Sentence]:
    matches = list(_WORD_RE.finditer(sentence.text))
    if len(matches) <= _MAX_SENTENCE_WORDS:
        return [sentence]
    out = []
    for i in range(0, len(matches), _MAX_SENTENCE_WORDS):
        chunk = matches[i : i + _MAX_SENTENCE_WORDS]
        begin, finish = chunk[0].start(), chunk[-1].end()
        out.append(Sentence(sentence.start + begin, sentence.start + finish, sentence.text[begin:finish]))
    return out


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes removed."""
    return [m.group(0).casefold().replace("'", "").replace("’", "") for m in _WORD_RE.finditer(text)]


def count_phrases(text: str, phrases: tuple[str, ...] | frozenset[str]) -> dict[str, int]:
    padded = f" {normalised(text)} "
    counts: dict[str, int] = {}
    for phrase in phrases:
        n = padded.count(f" {normalised(phrase)} ")
        if n:
            counts[phrase] = n
    return counts


def filler_count(text: str) -> int:
    return sum(count_phrases(text, FILLERS).values()) + sum(count_phrases(text, FILLER_PHRASES).values())


def hedge_count(text: str) -> int:
    return sum(count_phrases(text, HEDGES).values())


def content_word_count(text: str) -> int:
    """Words that are not fillers: what is left of an answer once the 'um's are gone."""
    return len([w for w in words(text) if w not in FILLERS])


def ensure_answer_present(text: str) -> None:
    """Raise EmptyAnswerError for an empty or near-empty transcript so nothing is scored on nothing."""
    count = content_word_count(text)
    if count < MIN_ANSWER_WORDS:
        heard = "nothing" if count == 0 else f"only {count} word{'s' if count != 1 else ''}"
        raise EmptyAnswerError(
            f"No answer was heard ({heard}), so there is nothing to score",
            "check the microphone level and answer again, or type your answer",
        )


_SUFFIXES = tuple(
    sorted(
        (
            "izations",
            "ization",
            "isations",
            "isation",
            "ational",
            "ations",
            "ation",
            "nesses",
            "ness",
            "ments",
            "ment",
            "ities",
            "ity",
            "ingly",
            "ings",
            "ing",
            "izes",
            "ized",
            "izer",
            "ize",
            "ises",
            "ised",
            "ise",
            "ies",
            "ied",
            "ives",
            "ive",
            "ably",
            "ibly",
            "able",
            "ible",
            "ally",
            "ful",
            "ers",
            "er",
            "est",
            "ated",
            "ates",
            "ating",
            "ate",
            "ed",
            "ly",
            "es",
            "al",
            "s",
        ),
        key=len,
        reverse=True,
    )
)


def stem(word: str) -> str:
    """A small, deterministic suffix stripper: 'prioritised', 'priorities', 'prioritization' -> 'priorit'."""
    w = word.casefold().replace("-", "")
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w
