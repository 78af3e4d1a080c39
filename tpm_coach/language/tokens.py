"""Words out of text: lower-case words with their offsets and the clause breaks around them, an offset-keeping
normalised form for finding quotes, and a small stemmer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tpm_coach.language.lexicon import wordlist

# A word keeps inner apostrophes and hyphens ("don't", "forty-eight") and a number its separators ("1,200",
# "2.5"); a dash between spaced words is punctuation.
_WORD_RE = re.compile(r"(?:\d+(?:[.,]\d+)+|[^\W_]+)(?:['’-][^\W_]+)*", re.UNICODE)
# Punctuation between two words that marks a clause break for the filler rules ("it was, like, fine").
_BREAKS = frozenset(".,!?;:—–-")
_APOSTROPHES = frozenset("'’‘`´")


@dataclass(frozen=True)
class Token:
    """A word (lower-case, straight apostrophes) at `start:end` of the text, and whether a clause break
    (punctuation, or the edge of the text for `break_before`) sits right before or after it."""

    text: str
    start: int
    end: int
    break_before: bool
    break_after: bool


def tokens(text: str) -> list[Token]:
    matches = list(_WORD_RE.finditer(text))
    out: list[Token] = []
    for i, match in enumerate(matches):
        gap_before = text[matches[i - 1].end() : match.start()] if i else ""
        gap_after = text[match.end() : matches[i + 1].start()] if i + 1 < len(matches) else text[match.end() :]
        out.append(
            Token(
                text=match.group(0).lower().replace("’", "'"),
                start=match.start(),
                end=match.end(),
                break_before=i == 0 or any(c in _BREAKS for c in gap_before),
                break_after=any(c in _BREAKS for c in gap_after),
            )
        )
    return out


def words(text: str) -> list[str]:
    """Lower-case words, inner apostrophes kept and straightened."""
    return [m.group(0).lower().replace("’", "'") for m in _WORD_RE.finditer(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD_RE.finditer(text)]


# -- normalised text for matching quotes ------------------------------------------------------------
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


# -- stems -------------------------------------------------------------------------------------------
_SUFFIXES = tuple(
    sorted(
        wordlist(
            """izations ization isations isation ational ations ation nesses ness ments ment ities ity ingly ings
            ing izes ized izer ize ises ised ise ies ied ives ive ably ibly able ible ally ful ers er est ated ates
            ating ate ed ly es al s"""
        ),
        key=len,
        reverse=True,
    )
)


def stem(word: str) -> str:
    """A small, deterministic suffix stripper: 'prioritised', 'prioritise', 'prioritization' -> 'priorit';
    a final 'e' goes too, so 'message' and 'messages' meet at 'messag'."""
    w = word.casefold().replace("-", "")
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:-1] if w.endswith("e") and len(w) >= 4 else w
