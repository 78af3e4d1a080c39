"""The word error rate used by tests and the benchmark agrees with jiwer after the same normalisation."""

from __future__ import annotations

import jiwer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm_coach.language.numbers import spell_number
from tpm_coach.language.wer import normalize, wer, word_errors


def test_normalisation_ignores_case_punctuation_numbers_and_abbreviations() -> None:
    assert normalize("Mr. Dashwood paid 3,000 pounds — 25% of it; well-known & fine.") == [
        "mister",
        "dashwood",
        "paid",
        "three",
        "thousand",
        "pounds",
        "twenty",
        "five",
        "percent",
        "of",
        "it",
        "well",
        "known",
        "and",
        "fine",
    ]
    assert wer("and mister john dashwood had", "And Mr. John Dashwood had.") == 0.0


def test_spell_number() -> None:
    assert spell_number(0) == ["zero"]
    assert spell_number(115) == ["one", "hundred", "fifteen"]
    assert spell_number(2024) == ["two", "thousand", "twenty", "four"]


def test_error_kinds_are_counted() -> None:
    errors = word_errors("we shipped the plan on time", "we shipped a plan on time today")
    assert (errors.substitutions, errors.deletions, errors.insertions) == (1, 0, 1)
    assert errors.rate == pytest.approx(2 / 6)
    dropped = word_errors("we shipped the plan on time", "we shipped plan on time")
    assert (dropped.substitutions, dropped.deletions, dropped.insertions) == (0, 1, 0)
    assert (errors + dropped).rate == pytest.approx(3 / 12)
    assert word_errors("", "").rate == 0.0
    assert word_errors("", "words").rate == 1.0


WORDS = st.lists(st.sampled_from(["a", "b", "c", "plan", "risk", "ship"]), max_size=12)


@settings(max_examples=200, deadline=None)
@given(WORDS.filter(bool), WORDS)
def test_agrees_with_jiwer(reference: list[str], hypothesis: list[str]) -> None:
    ref, hyp = " ".join(reference), " ".join(hypothesis)
    assert wer(ref, hyp) == pytest.approx(jiwer.wer(ref, hyp) if hyp else 1.0)
