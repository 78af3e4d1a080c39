"""One language module: every part of the app counts fillers alike, and sentences and words keep their offsets."""

from __future__ import annotations

import pytest

from tpm_coach.banks import load_bank
from tpm_coach.domain import Transcript
from tpm_coach.errors import EmptyAnswerError
from tpm_coach.language import compute_delivery_metrics, content_words, find_fillers, split_sentences
from tpm_coach.language.numbers import is_number
from tpm_coach.language.tokens import tokens
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring import OfflineScorer, ensure_answer_present

# "like" as a filler (set off, approximating) and as a verb ("I like it", "they like the plan").
ANSWER = (
    "Um, so the plan was, like, ten weeks long, and I like it. Uh, we had like four teams, you know, and they "
    "like the plan too, um, because every milestone had an owner and a date."
)


def test_one_answer_gives_one_filler_count_everywhere() -> None:
    metrics = compute_delivery_metrics(Transcript(text=ANSWER))
    assert metrics.fillers == {"um": 2, "like": 2, "uh": 1, "you know": 1}

    # The empty-answer check leaves out the same fillers: "like" the verb is a word, "you know" is not.
    with pytest.raises(EmptyAnswerError, match=r"only 4 words"):
        ensure_answer_present("Um, I like it, you know, uh, really.")

    # The offline scorer counts a typed answer's fillers as the delivery metrics count a spoken one.
    bank = load_bank(default_bank_path())
    question = next(q for q in bank.questions if q.id == "comm-011")
    competency = next(c for c in bank.competencies if c.id == question.competency)
    typed = OfflineScorer().score(question, competency, ANSWER)
    spoken = OfflineScorer().score(question, competency, ANSWER, metrics)
    delivery = [n for n in typed.notes if n.startswith("Delivery:")]
    assert delivery == [n for n in spoken.notes if n.startswith("Delivery:")]
    assert f"{metrics.filler_count} fillers" in delivery[0]


def test_content_words_are_what_is_left_without_fillers() -> None:
    assert content_words("Um, I like it, you know, uh, really.") == ["i", "like", "it", "really"]
    assert find_fillers("I like it. Do you know the plan?") == {}


def test_tokens_keep_offsets_numbers_and_clause_breaks() -> None:
    text = "We cut 1,200 requests — like, 2.5 seconds — and don’t regret it."
    toks = tokens(text)
    expected = ["we", "cut", "1,200", "requests", "like", "2.5", "seconds", "and", "don't", "regret", "it"]
    assert [t.text for t in toks] == expected
    assert all(text[t.start : t.end].replace("’", "'").lower() == t.text for t in toks)
    like = toks[4]
    assert (like.break_before, like.break_after) == (True, True)
    assert [is_number(t.text) for t in toks[2:7]] == [True, False, False, True, False]


def test_sentences_are_spans_of_the_text() -> None:
    text = "First we met.  Then we agreed; it held!\n\nDone"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["First we met.", "Then we agreed;", "it held!", "Done"]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    run_on = " ".join(["word"] * 100)
    assert [len(s.text.split()) for s in split_sentences(run_on)] == [45, 45, 10]
