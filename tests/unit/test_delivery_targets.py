"""Pace, fillers and long pauses read against their target ranges, and nothing read for a typed answer."""

from __future__ import annotations

from tpm_coach.domain import DeliveryMetrics
from tpm_coach.language.targets import MAX_FILLERS_PER_MIN, PACE_RANGE_WPM, delivery_readings


def _metrics(wpm: float, fillers: int = 0, pauses: int = 0, seconds: float = 60.0) -> DeliveryMetrics:
    return DeliveryMetrics(
        speaking_time_s=seconds,
        word_count=round(wpm * seconds / 60),
        words_per_minute=wpm,
        filler_count=fillers,
        long_pauses=pauses,
    )


def test_each_measure_carries_its_target_and_a_reason() -> None:
    readings = {r.key: r for r in delivery_readings(_metrics(140.0, fillers=2, pauses=1), typed=False)}
    assert list(readings) == ["pace", "fillers", "pauses"]
    assert all(r.on_target and r.target and r.explanation for r in readings.values())
    assert readings["pace"].target == f"{PACE_RANGE_WPM[0]}–{PACE_RANGE_WPM[1]} words a minute"
    assert readings["fillers"].value == "2 (2.0 a minute)"


def test_fast_speech_and_many_fillers_are_off_target_with_advice() -> None:
    readings = {r.key: r for r in delivery_readings(_metrics(172.0, fillers=9, seconds=90.0), typed=False)}
    assert not readings["pace"].on_target and "slow down" in readings["pace"].explanation
    assert MAX_FILLERS_PER_MIN < 9 / 1.5 and not readings["fillers"].on_target
    assert readings["pauses"].on_target
    slow = delivery_readings(_metrics(90.0), typed=False)[0]
    assert not slow.on_target and slow.explanation.startswith("Slower")


def test_a_typed_answer_or_one_without_speech_has_no_readings() -> None:
    assert delivery_readings(_metrics(140.0), typed=True) == []
    assert delivery_readings(DeliveryMetrics(word_count=12), typed=False) == []  # no speaking time
    assert delivery_readings(None, typed=False) == []
