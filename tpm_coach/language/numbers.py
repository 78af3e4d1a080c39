"""Numbers in words: spelling a number out, and telling a number word or figure when one is heard."""

from __future__ import annotations

from tpm_coach.language.lexicon import NUMBER_WORDS, ONES, SCALES, TENS


def spell_number(value: int) -> list[str]:
    """The words a speaker says for a non-negative whole number: 2024 -> two thousand twenty four."""
    if value < 20:
        return [ONES[value]]
    if value < 100:
        tens, ones = divmod(value, 10)
        return [TENS[tens]] + ([ONES[ones]] if ones else [])
    for scale, name in SCALES:
        if value >= scale:
            high, rest = divmod(value, scale)
            return spell_number(high) + [name] + (spell_number(rest) if rest else [])
    raise AssertionError("unreachable")


def is_number(word: str) -> bool:
    """A figure ("40", "1,200", "2.5", "q3") or number words ("ten", "half", "forty-eight")."""
    return any(ch.isdigit() for ch in word) or all(part in NUMBER_WORDS for part in word.split("-"))
