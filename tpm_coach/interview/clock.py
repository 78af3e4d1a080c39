"""A round's time box: how much is left, when the interviewer warns, and when the round is over."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The interviewer warns this long before the end, or at a fifth of the box for a short one.
WARNING_S = 300
WARNING_SHARE = 0.2
# Typed answers take no measured time: they are counted as if spoken at a steady interview pace.
TYPED_WORDS_PER_MINUTE = 130


class ClockState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    OVER = "over"


@dataclass(frozen=True)
class RoundClock:
    time_box_s: float

    @property
    def warning_s(self) -> float:
        return min(WARNING_S, self.time_box_s * WARNING_SHARE)

    def remaining(self, elapsed_s: float) -> float:
        return max(0.0, self.time_box_s - elapsed_s)

    def state(self, elapsed_s: float) -> ClockState:
        left = self.time_box_s - elapsed_s
        if left <= 0:
            return ClockState.OVER
        if left <= self.warning_s:
            return ClockState.WARNING
        return ClockState.RUNNING


def typed_answer_seconds(text: str) -> float:
    return len(text.split()) * 60.0 / TYPED_WORDS_PER_MINUTE


def format_clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"
