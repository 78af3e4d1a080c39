"""Joining separately transcribed stretches: words repeated across a cut are dropped once."""

from __future__ import annotations

from tpm_coach.domain.attempt import Word
from tpm_coach.transcription.seams import drop_seam_repeats, join_chunks


def words(spec: str, start: float) -> list[Word]:
    out, t = [], start
    for token in spec.split():
        out.append(Word(word=token, start=round(t, 2), end=round(t + 0.3, 2)))
        t += 0.4
    return out


def test_words_repeated_right_at_the_cut_are_dropped() -> None:
    before = words("we moved the ledger", 0.0)  # last word ends at 1.5
    after = words("the ledger to the new service", 1.7)
    assert [w.word for w in drop_seam_repeats(before, after, seam_s=1.6)] == ["to", "the", "new", "service"]


def test_case_and_punctuation_do_not_hide_a_repeat() -> None:
    before = words("and then we shipped.", 0.0)
    after = words("Shipped, on time", 1.7)
    assert [w.word for w in drop_seam_repeats(before, after, seam_s=1.6)] == ["on", "time"]


def test_a_repeat_far_from_the_cut_is_real_speech() -> None:
    before = words("we said no", 0.0)
    after = words("no we did not", 3.5)  # said again two seconds after the cut
    assert drop_seam_repeats(before, after, seam_s=1.2) == after


def test_different_words_are_kept() -> None:
    before = words("the plan", 0.0)
    after = words("was late", 1.0)
    assert drop_seam_repeats(before, after, seam_s=0.9) == after
    assert drop_seam_repeats([], after, seam_s=0.0) == after


def test_join_rebuilds_the_text_where_words_were_dropped() -> None:
    text, joined = join_chunks(
        [
            (0.0, "We moved the ledger.", words("We moved the ledger.", 0.0)),
            (1.6, "the ledger. To the new service.", words("the ledger. To the new service.", 1.7)),
            (5.0, "Done.", []),
        ]
    )
    assert text == "We moved the ledger. To the new service. Done."
    assert [w.word for w in joined][-4:] == ["To", "the", "new", "service."]
