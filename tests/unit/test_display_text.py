"""Outside text made safe to show: control and direction-override characters go, everything a reader needs stays."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tpm_coach.display_text import display_safe, escape_html

DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _forbidden(character: str) -> bool:
    """What must never reach a screen or a report, spelled out from Unicode's own categories."""
    if character in "\t\n":
        return False
    return unicodedata.category(character) in ("Cc", "Cs") or character in DIRECTION_CONTROLS + "\ufeff"


def test_controls_and_direction_overrides_are_removed() -> None:
    text = "Score\x00 5\x1b[31m/5\x7f \x85\x9bok \u202eevil\u202c \u2066isolated\u2069 \ufeffdone"
    assert display_safe(text) == "Score 5[31m/5 ok evil isolated done"


def test_what_a_reader_needs_stays() -> None:
    text = "Line one\n\tindented\nשלום עולם \u200fמרק\u200f 👩\u200d💻 می\u200cخواهم café"
    assert display_safe(text) == text


def test_carriage_returns_become_newlines() -> None:
    assert display_safe("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_a_lone_surrogate_becomes_a_replacement_mark() -> None:
    cleaned = display_safe("bad \ud800 half")
    assert cleaned == "bad \ufffd half"
    assert cleaned.encode("utf-8")


def test_escape_html_cleans_then_escapes() -> None:
    assert escape_html('<a href="x">\u202eR&D\x00</a>') == "&lt;a href=&quot;x&quot;&gt;R&amp;D&lt;/a&gt;"


@given(st.text(max_size=300))
def test_nothing_forbidden_survives_and_cleaning_twice_changes_nothing(text: str) -> None:
    cleaned = display_safe(text)
    assert not [c for c in cleaned if _forbidden(c)]
    assert display_safe(cleaned) == cleaned
    cleaned.encode("utf-8")  # always writable to a report


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=300))
def test_text_without_controls_is_unchanged_unless_it_steers_direction(text: str) -> None:
    expected = "".join(c for c in text if c not in DIRECTION_CONTROLS + "\ufeff")
    assert display_safe(text) == expected
