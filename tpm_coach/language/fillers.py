"""Fillers and hedges in what a candidate said: the one definition every count in the app uses.

Rules (case-insensitive; punctuation is read as a clause break):
- "um", "uh", "er", "ah", "hmm" (and spellings such as "umm", "erm", "mhm") and "basically" are always fillers.
- "you know" is a filler unless it has an object: not after do/did/if/as/what/how/would/could/... and not
  directly followed (no comma) by what/how/why/that/the/it/him/... . Set off by commas it is always a filler.
- "I mean" is a filler unless it is the verb ("what I mean is", "I mean it", "I mean that").
- "sort of" / "kind of" are fillers unless they name a kind ("a kind of", "what sort of", "this kind of").
- "like" is a filler when set off by commas (", like,"), when it opens a clause before a comma ("Like, we"),
  or when it approximates or quotes ("we had like ten people", "and he was like no"). It is not a filler as
  a verb ("I like it", "would like to"), in comparisons ("looks like", "something like") or as a
  preposition before an object ("like this", "was like a").
- Hedges are the phrases in `lexicon.HEDGE_PHRASES`; the longest phrase wins and a word counts once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tpm_coach.language import lexicon
from tpm_coach.language.numbers import is_number
from tpm_coach.language.tokens import Token, tokens

_SOUND_LABELS = {
    spelling: line.split()[0] for line in lexicon.FILLER_SOUNDS.strip().splitlines() for spelling in line.split()
}
FILLER_SOUND_WORDS = frozenset(_SOUND_LABELS)
# Longest first, so "I'm not sure" is one hedge rather than also "not sure".
_HEDGES = sorted(((tuple(p.lower().split()), p) for p in lexicon.HEDGE_PHRASES), key=lambda h: -len(h[0]))


@dataclass(frozen=True)
class Match:
    """A filler or hedge: its label and the tokens `first..last` (inclusive) it covers."""

    label: str
    first: int
    last: int


def filler_matches(toks: list[Token]) -> list[Match]:
    words = [t.text for t in toks]

    def word(i: int) -> str:
        return words[i] if 0 <= i < len(words) else ""

    found: list[Match] = []
    i = 0
    while i < len(toks):
        current, token, nxt = words[i], toks[i], word(i + 1)
        size = 1
        label = ""
        if current in _SOUND_LABELS:
            label = _SOUND_LABELS[current]
        elif current == "you" and nxt == "know":
            last = toks[i + 1]
            set_off = token.break_before and (last.break_after or i + 2 >= len(toks))
            has_object = (word(i - 1) in lexicon.YOU_KNOW_NOT_AFTER and not token.break_before) or (
                not last.break_after and word(i + 2) in lexicon.OBJECT_WORDS
            )
            if set_off or not has_object:
                label, size = "you know", 2
        elif current == "i" and nxt == "mean":
            last = toks[i + 1]
            verb = (word(i - 1) in lexicon.I_MEAN_VERB_BEFORE and not token.break_before) or (
                not last.break_after and word(i + 2) in lexicon.I_MEAN_VERB_AFTER
            )
            if not verb:
                label, size = "I mean", 2
        elif current in ("sort", "kind") and nxt == "of":
            if word(i - 1) not in lexicon.KIND_NOUN_BEFORE or token.break_before:
                label, size = f"{current} of", 2
        elif current == "like" and _like_is_filler(toks, i):
            label = "like"
        if label:
            found.append(Match(label, i, i + size - 1))
        i += size
    return found


def _like_is_filler(toks: list[Token], i: int) -> bool:
    token = toks[i]
    prev = toks[i - 1].text if i > 0 else ""
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    if token.break_before and token.break_after:
        return True  # ", like," or "Like, ..."
    if not token.break_before and (prev in lexicon.LIKE_VERB_BEFORE or prev in lexicon.LIKE_COMPARISON_BEFORE):
        return False
    if prev in lexicon.BE_FORMS and not token.break_before:
        return nxt not in ("a", "an", "the", "this", "that")  # "was like, no" quotes; "was like a" compares
    if is_number(nxt):
        return True  # approximation: "like ten people"
    if nxt in lexicon.LIKE_OBJECT_AFTER and not token.break_after:
        return False
    return token.break_before or token.break_after


def hedge_matches(toks: list[Token]) -> list[Match]:
    words = [t.text for t in toks]
    found: list[Match] = []
    i = 0
    while i < len(words):
        for phrase, label in _HEDGES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                found.append(Match(label, i, i + len(phrase) - 1))
                i += len(phrase)
                break
        else:
            i += 1
    return found


def find_fillers(text: str) -> dict[str, int]:
    """Each filler heard, with how often."""
    return dict(Counter(m.label for m in filler_matches(tokens(text))))


def find_hedges(text: str) -> dict[str, int]:
    return dict(Counter(m.label for m in hedge_matches(tokens(text))))


def filler_count(text: str) -> int:
    return len(filler_matches(tokens(text)))


def hedge_count(text: str) -> int:
    return len(hedge_matches(tokens(text)))


def content_words(text: str) -> list[str]:
    """The words left once the fillers are taken out: what an answer says without its 'um's."""
    toks = tokens(text)
    filler_positions = {i for m in filler_matches(toks) for i in range(m.first, m.last + 1)}
    return [t.text for i, t in enumerate(toks) if i not in filler_positions]
