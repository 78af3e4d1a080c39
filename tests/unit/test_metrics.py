"""Delivery metrics: pace, fillers (counted sensibly), long pauses and hedges."""

from __future__ import annotations

import pytest

from tpm_coach.domain.attempt import Transcript, Word
from tpm_coach.language import compute_delivery_metrics, find_fillers, find_hedges


def timed(text: str, *, gap_after: dict[int, float] | None = None, step: float = 0.4) -> Transcript:
    """Words 0.3 s long, `step` apart, with extra gaps after given word indexes."""
    words, t = [], 1.0
    for i, token in enumerate(text.split()):
        words.append(Word(word=token, start=round(t, 3), end=round(t + 0.3, 3)))
        t += step + (gap_after or {}).get(i, 0.0)
    return Transcript(text=text, words=words)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Um, so we, uh, shipped it. Er, ah, hmm.", {"um": 1, "uh": 1, "er": 1, "ah": 1, "hmm": 1}),
        ("We had like ten people on it.", {"like": 1}),
        ("It was, like, a disaster. Like, we were stuck.", {"like": 2}),
        ("He was like, no way.", {"like": 1}),
        ("I'd like to add that. I would like a break. We like data.", {}),
        ("It looks like rain and it seems like a plan, just like before.", {}),
        ("Do it like this, not like that. Something like that.", {}),
        ("It was like a dream.", {}),
        ("You know, it was hard. It was, you know, fine. Then it broke, you know.", {"you know": 3}),
        ("Do you know the plan? You know what broke? If you know him, call.", {}),
        ("I mean, we shipped. I mean we had no choice.", {"I mean": 2}),
        ("What I mean is simple. I mean it. I mean that.", {}),
        ("It was kind of hard and we sort of agreed.", {"kind of": 1, "sort of": 1}),
        ("What kind of tool? A sort of plan. This kind of risk.", {}),
        ("Basically we basically rewrote it.", {"basically": 2}),
    ],
)
def test_fillers_are_counted_only_when_used_as_fillers(text: str, expected: dict[str, int]) -> None:
    assert find_fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I think we should maybe wait. Probably.", {"I think": 1, "maybe": 1, "probably": 1}),
        ("I'm not sure, I guess. I don't know.", {"I'm not sure": 1, "I guess": 1, "I don't know": 1}),
        (
            "I feel like perhaps it was possibly right, hopefully.",
            {"I feel like": 1, "perhaps": 1, "possibly": 1, "hopefully": 1},
        ),
        ("We shipped on the fourteenth and cut costs by a third.", {}),
        ("Not sure. More or less.", {"not sure": 1, "more or less": 1}),
    ],
)
def test_hedges(text: str, expected: dict[str, int]) -> None:
    assert find_hedges(text) == expected


def test_pace_and_speaking_time_come_from_word_timings() -> None:
    transcript = timed(" ".join(["word"] * 100))  # 100 words, 0.4 s apart: 39.9 s from first start to last end
    metrics = compute_delivery_metrics(transcript)
    assert metrics.word_count == 100
    assert metrics.speaking_time_s == pytest.approx(39.9)
    assert metrics.words_per_minute == pytest.approx(100 / 39.9 * 60, abs=0.1)


def test_long_pauses_are_gaps_of_two_seconds_or_more() -> None:
    transcript = timed("we planned it then we waited and then shipped", gap_after={2: 1.89, 4: 1.9, 6: 3.0})
    metrics = compute_delivery_metrics(transcript)
    # gaps between words are 0.1 s plus the extra: 1.99 (not long), 2.0 and 3.1 (long)
    assert metrics.long_pauses == 2
    assert metrics.longest_pause_s == pytest.approx(3.1)


def test_metrics_carry_filler_and_hedge_counts() -> None:
    metrics = compute_delivery_metrics(timed("Um I think we had like ten people, you know."))
    assert metrics.fillers == {"um": 1, "like": 1, "you know": 1}
    assert metrics.filler_count == 3
    assert metrics.hedges == {"I think": 1}
    assert metrics.hedge_count == 1


def test_without_word_timings_the_recording_length_stands_in() -> None:
    transcript = Transcript(text="one two three four five six")
    metrics = compute_delivery_metrics(transcript, duration_s=3.0)
    assert metrics.word_count == 6
    assert metrics.words_per_minute == 120.0
    assert compute_delivery_metrics(Transcript(text="")).words_per_minute == 0.0
