"""Word error rate between a reference and a hypothesis, after normalising what does not matter.

Normalisation: lower case; hyphens and slashes split words; other punctuation dropped (apostrophes
inside words kept); digits spelled out ("3" -> "three", "1990s" kept as spelled digits); common
abbreviations expanded ("mr" -> "mister"); "%" -> "percent", "&" -> "and".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tpm_coach.language.numbers import spell_number

_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "vs": "versus", "ok": "okay"}
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def normalize(text: str) -> list[str]:
    text = text.lower().replace("%", " percent ").replace("&", " and ")
    text = re.sub(r"[-/–—]", " ", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 1,000 -> 1000
    text = text.replace("’", "'")
    words: list[str] = []
    for found in _TOKEN.findall(text):
        token = _ABBREVIATIONS.get(found, found)
        if token.isdigit() and len(token) <= 12:
            words.extend(spell_number(int(token)))
        else:
            words.append(token)
    return words


@dataclass(frozen=True)
class WordErrors:
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def rate(self) -> float:
        if self.reference_words == 0:
            return 0.0 if self.errors == 0 else 1.0
        return self.errors / self.reference_words

    def __add__(self, other: WordErrors) -> WordErrors:
        return WordErrors(
            self.substitutions + other.substitutions,
            self.deletions + other.deletions,
            self.insertions + other.insertions,
            self.reference_words + other.reference_words,
        )


def word_errors(reference: str, hypothesis: str) -> WordErrors:
    """Levenshtein alignment over normalised words, counting each kind of error."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    # Each cell: (cost, substitutions, deletions, insertions); ties prefer substitutions.
    Cell = tuple[int, int, int, int]
    previous: list[Cell] = [(j, 0, 0, j) for j in range(len(hyp) + 1)]
    for i in range(1, len(ref) + 1):
        current: list[Cell] = [(i, 0, i, 0)]
        for j in range(1, len(hyp) + 1):
            if ref[i - 1] == hyp[j - 1]:
                current.append(previous[j - 1])
                continue
            sub, dele, ins = previous[j - 1], previous[j], current[j - 1]
            best = min(
                (sub[0] + 1, sub[1] + 1, sub[2], sub[3]),
                (dele[0] + 1, dele[1], dele[2] + 1, dele[3]),
                (ins[0] + 1, ins[1], ins[2], ins[3] + 1),
                key=lambda cell: cell[0],
            )
            current.append(best)
        previous = current
    _cost, subs, dels, inserted = previous[-1]
    return WordErrors(subs, dels, inserted, len(ref))


def wer(reference: str, hypothesis: str) -> float:
    return word_errors(reference, hypothesis).rate
