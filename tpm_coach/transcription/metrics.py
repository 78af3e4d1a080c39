"""Delivery metrics from a transcript's words and timings: pace, fillers, long pauses and hedging.

Rules (all case-insensitive; punctuation in the transcript is used as a clue):
- speaking time runs from the first word's start to the last word's end; words per minute uses it.
- "um", "uh", "er", "erm", "ah", "hmm" (and stretched spellings: "umm", "uhh") are always fillers.
- "basically" is always counted as a filler.
- "you know" is a filler unless it has an object ("do you know the plan", "you know what broke",
  "if you know him"): not after do/did/does/don't/if/as/what/how/would/could/..., and not directly
  followed (no comma) by what/how/why/that/the/it/him/... . Set off by commas it is always a filler.
- "I mean" is a filler unless it is the verb ("what I mean is", "I mean it", "I mean that").
- "sort of" / "kind of" are fillers unless they name a kind ("a kind of", "what sort of", "this kind of").
- "like" is a filler when set off by commas (", like,"), when it opens a clause before a comma
  ("Like, we ..."), or when it approximates or quotes ("we had like ten people", "and he was like no").
  It is not a filler as a verb ("I'd like", "we like", "would like to", "don't like"), in comparisons
  ("looks like", "seems like", "something like", "just like", "more like") or as a preposition before
  an object ("like this", "like that", "like them", "was like a").
- A long pause is a gap of 2 s or more between one word's end and the next word's start.
- Hedges: "I think", "I guess", "I believe", "I suppose", "I feel like", "maybe", "perhaps",
  "probably", "possibly", "hopefully", "I'm not sure", "I don't know", "not sure", "more or less";
  the longest phrase wins and a word counts once.
"""

from __future__ import annotations

import itertools
import re

from tpm_coach.domain.attempt import DeliveryMetrics, Transcript, Word

LONG_PAUSE_S = 2.0

_ALWAYS_FILLERS = {
    "um": "um",
    "umm": "um",
    "ummm": "um",
    "uh": "uh",
    "uhh": "uh",
    "uhm": "um",
    "er": "er",
    "erm": "er",
    "ah": "ah",
    "ahh": "ah",
    "hmm": "hmm",
    "mm": "hmm",
    "basically": "basically",
}
_YOU_KNOW_NOT_AFTER = {
    "do",
    "did",
    "does",
    "don't",
    "didn't",
    "doesn't",
    "if",
    "as",
    "what",
    "how",
    "would",
    "could",
    "should",
    "will",
    "can",
    "might",
    "let",
    "whether",
    "you'd",
    "i",
    "we",
}
_OBJECT_WORDS = {
    "what",
    "how",
    "why",
    "where",
    "when",
    "who",
    "whether",
    "if",
    "that",
    "the",
    "a",
    "an",
    "about",
    "it",
    "him",
    "her",
    "them",
    "me",
    "us",
    "this",
    "these",
    "those",
    "my",
    "your",
    "our",
    "their",
    "his",
    "its",
    "everything",
    "everyone",
    "something",
    "someone",
}
_I_MEAN_VERB_AFTER = {"it", "that", "this", "to", "what", "business", "well", "them", "you", "him", "her"}
_I_MEAN_VERB_BEFORE = {"what", "that", "which", "do", "did", "don't", "didn't"}
_KIND_NOUN_BEFORE = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "what",
    "which",
    "any",
    "some",
    "every",
    "one",
    "same",
    "each",
    "no",
    "different",
    "right",
    "wrong",
    "new",
    "other",
    "another",
    "particular",
    "certain",
    "first",
    "only",
    "whatever",
    "all",
    "many",
    "two",
    "three",
    "several",
    "of",
    "that's",
    "it's",
}
_LIKE_VERB_BEFORE = {
    "i",
    "you",
    "we",
    "they",
    "he",
    "she",
    "people",
    "who",
    "would",
    "i'd",
    "you'd",
    "we'd",
    "they'd",
    "he'd",
    "she'd",
    "do",
    "does",
    "did",
    "don't",
    "doesn't",
    "didn't",
    "to",
    "really",
    "also",
    "might",
    "may",
    "will",
    "i'll",
    "we'll",
    "not",
    "always",
    "never",
    "customers",
    "users",
    "everyone",
    "nobody",
    "somebody",
}
_LIKE_COMPARISON_BEFORE = {
    "look",
    "looks",
    "looked",
    "looking",
    "seem",
    "seems",
    "seemed",
    "sound",
    "sounds",
    "sounded",
    "feel",
    "feels",
    "felt",
    "feeling",
    "something",
    "anything",
    "nothing",
    "everything",
    "just",
    "much",
    "more",
    "less",
    "exactly",
    "things",
    "stuff",
    "act",
    "acts",
    "acted",
    "behave",
    "behaves",
    "treat",
    "treated",
    "treats",
    "lot",
    "little",
    "someone",
    "somebody",
    "anyone",
    "tasted",
    "smells",
    "smelled",
}
_LIKE_OBJECT_AFTER = {
    "this",
    "that",
    "these",
    "those",
    "it",
    "him",
    "her",
    "them",
    "me",
    "us",
    "you",
    "a",
    "an",
    "the",
    "my",
    "our",
    "your",
    "their",
    "his",
    "what",
    "how",
    "when",
}
_BE_FORMS = {
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "being",
    "i'm",
    "he's",
    "she's",
    "it's",
    "they're",
    "we're",
    "you're",
    "that's",
    "am",
}

_HEDGE_PHRASES = [
    "I'm not sure",
    "I am not sure",
    "I don't know",
    "I do not know",
    "not sure",
    "more or less",
    "I feel like",
    "I think",
    "I guess",
    "I believe",
    "I suppose",
    "maybe",
    "perhaps",
    "probably",
    "possibly",
    "hopefully",
]
# Longest first, so "I'm not sure" is one hedge rather than also "not sure".
_HEDGES = sorted(((tuple(p.lower().split()), p) for p in _HEDGE_PHRASES), key=lambda h: -len(h[0]))

_TOKEN = re.compile(r"[\w']+|[.,!?;:—–-]")


class _Token:
    __slots__ = ("comma_after", "comma_before", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.comma_before = False
        self.comma_after = False


def _tokens(text: str) -> list[_Token]:
    """Lower-case words with flags for punctuation (a clause break) right before or after them."""
    tokens: list[_Token] = []
    pending_break = True  # the start of the text is a clause boundary
    for piece in _TOKEN.findall(text.lower().replace("’", "'")):
        if piece[0].isalnum() or piece[0] in "'_":
            token = _Token(piece.strip("'"))
            token.comma_before = pending_break
            tokens.append(token)
            pending_break = False
        else:
            pending_break = True
            if tokens:
                tokens[-1].comma_after = True
    return tokens


def _count(found: dict[str, int], key: str) -> None:
    found[key] = found.get(key, 0) + 1


def find_fillers(text: str) -> dict[str, int]:
    tokens = _tokens(text)
    words = [t.text for t in tokens]
    found: dict[str, int] = {}

    def before(i: int) -> str:
        return words[i - 1] if i > 0 else ""

    def after(i: int) -> str:
        return words[i + 1] if i + 1 < len(words) else ""

    i = 0
    while i < len(tokens):
        word, token = words[i], tokens[i]
        nxt = after(i)
        if word in _ALWAYS_FILLERS:
            _count(found, _ALWAYS_FILLERS[word])
        elif word == "you" and nxt == "know":
            last = tokens[i + 1]
            set_off = token.comma_before and (last.comma_after or i + 2 >= len(tokens))
            has_object = (before(i) in _YOU_KNOW_NOT_AFTER and not token.comma_before) or (
                not last.comma_after and after(i + 1) in _OBJECT_WORDS
            )
            if set_off or not has_object:
                _count(found, "you know")
                i += 2
                continue
        elif word == "i" and nxt == "mean":
            last = tokens[i + 1]
            verb = (before(i) in _I_MEAN_VERB_BEFORE and not token.comma_before) or (
                not last.comma_after and after(i + 1) in _I_MEAN_VERB_AFTER
            )
            if not verb:
                _count(found, "I mean")
                i += 2
                continue
        elif word in ("sort", "kind") and nxt == "of":
            if before(i) not in _KIND_NOUN_BEFORE or token.comma_before:
                _count(found, f"{word} of")
                i += 2
                continue
        elif word == "like" and _like_is_filler(tokens, i):
            _count(found, "like")
        i += 1
    return found


def _like_is_filler(tokens: list[_Token], i: int) -> bool:
    token = tokens[i]
    prev = tokens[i - 1].text if i > 0 else ""
    nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
    if token.comma_before and token.comma_after:
        return True  # ", like," or "Like, ..."
    if not token.comma_before and (prev in _LIKE_VERB_BEFORE or prev in _LIKE_COMPARISON_BEFORE):
        return False
    if prev in _BE_FORMS and not token.comma_before:
        return nxt not in ("a", "an", "the", "this", "that")  # "was like, no" quotes; "was like a" compares
    if nxt.isdigit() or nxt in _NUMBER_WORDS:
        return True  # approximation: "like ten people"
    if nxt in _LIKE_OBJECT_AFTER and not token.comma_after:
        return False
    return token.comma_before or token.comma_after


_NUMBER_WORDS = {
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "thousand",
    "half",
}


def find_hedges(text: str) -> dict[str, int]:
    words = [t.text for t in _tokens(text)]
    found: dict[str, int] = {}
    i = 0
    while i < len(words):
        for phrase, label in _HEDGES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                _count(found, label)
                i += len(phrase)
                break
        else:
            i += 1
    return found


def _pauses(words: list[Word]) -> list[float]:
    return [max(0.0, b.start - a.end) for a, b in itertools.pairwise(words)]


def compute_delivery_metrics(transcript: Transcript, *, duration_s: float | None = None) -> DeliveryMetrics:
    """Metrics for one answer. Without word timings, `duration_s` (the recording) stands in for speaking time."""
    words = [w for w in transcript.words if w.word.strip()]
    word_count = len(words) if words else len(transcript.text.split())
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
