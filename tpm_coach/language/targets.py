"""Target ranges for pace, fillers and long pauses, and a one-line reading of an answer against each.

The feedback view, the session report and its exports all read delivery through `delivery_readings`, so a
number is never shown without the range it should fall in. Typed answers have no delivery to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain.attempt import DeliveryMetrics
from tpm_coach.language.delivery import LONG_PAUSE_S

PACE_RANGE_WPM = (110, 170)  # conversational interview speech; below drags, above is hard to follow
MAX_FILLERS_PER_MIN = 3.0  # about one every twenty seconds goes unnoticed
MAX_LONG_PAUSES_PER_MIN = 1.0  # a pause to think is fine; several a minute read as lost thread


@dataclass(frozen=True)
class MetricReading:
    """One delivery measure: its value, its target and what it means, in words a candidate reads at a glance."""

    key: str  # "pace", "fillers" or "pauses"
    name: str
    value: str
    target: str
    on_target: bool
    explanation: str


def _per_minute(count: int, seconds: float) -> float:
    return count / seconds * 60.0 if seconds > 0 else 0.0


def _pace(metrics: DeliveryMetrics) -> MetricReading:
    low, high = PACE_RANGE_WPM
    wpm = metrics.words_per_minute
    if wpm < low:
        why = "Slower than a conversation: tighten the pauses inside sentences, not the thinking between them."
    elif wpm > high:
        why = "Faster than a listener can take notes: slow down at numbers, names and decisions."
    else:
        why = "A pace an interviewer can follow and take notes to."
    return MetricReading(
        "pace", "Pace", f"{wpm:.0f} words a minute", f"{low}–{high} words a minute", low <= wpm <= high, why
    )


def _fillers(metrics: DeliveryMetrics) -> MetricReading:
    rate = _per_minute(metrics.filler_count, metrics.speaking_time_s)
    ok = rate <= MAX_FILLERS_PER_MIN
    why = (
        "Few enough that nobody notices them."
        if ok
        else "Frequent enough to be noticed: pause silently where you would say them."
    )
    value = f"{metrics.filler_count} ({rate:.1f} a minute)"
    return MetricReading("fillers", "Fillers", value, f"at most {MAX_FILLERS_PER_MIN:g} a minute", ok, why)


def _pauses(metrics: DeliveryMetrics) -> MetricReading:
    rate = _per_minute(metrics.long_pauses, metrics.speaking_time_s)
    ok = rate <= MAX_LONG_PAUSES_PER_MIN
    why = (
        f"Silences of {LONG_PAUSE_S:g} s or more stay rare, so the answer keeps its thread."
        if ok
        else f"Many silences of {LONG_PAUSE_S:g} s or more: outline the answer in one sentence before you start."
    )
    value = f"{metrics.long_pauses} ({rate:.1f} a minute)"
    return MetricReading("pauses", "Long pauses", value, f"at most {MAX_LONG_PAUSES_PER_MIN:g} a minute", ok, why)


def delivery_readings(metrics: DeliveryMetrics | None, *, typed: bool) -> list[MetricReading]:
    """Pace, fillers and long pauses against their targets; none for a typed answer or one without words."""
    if typed or metrics is None or not metrics.word_count or metrics.speaking_time_s <= 0:
        return []
    return [_pace(metrics), _fillers(metrics), _pauses(metrics)]
