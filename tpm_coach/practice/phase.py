"""The steps of one practice session, in the order a turn normally goes through them."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    IDLE = "idle"  # no session
    PLANNING = "planning"  # choosing questions (reads history in the background)
    QUESTION = "question"  # question shown, waiting for the candidate to start
    THINKING = "thinking"  # thinking countdown; recording starts when it ends
    STARTING = "starting"  # checking and opening the microphone
    RECORDING = "recording"
    TRANSCRIBING = "transcribing"  # stopping the stream and transcribing the tail
    TRANSCRIPTION_FAILED = "transcription_failed"  # audio kept; can retry
    SCORING = "scoring"
    SCORING_FAILED = "scoring_failed"  # audio and transcript kept; can retry
    FEEDBACK = "feedback"
    SUMMARIZING = "summarizing"
    SUMMARY = "summary"


# Where the candidate may start answering (speaking or typing) the current question.
ANSWERABLE = frozenset({Phase.QUESTION, Phase.THINKING})
# Where nothing is running in the background, so the session may end or move on.
SETTLED = frozenset({Phase.QUESTION, Phase.THINKING, Phase.FEEDBACK, Phase.TRANSCRIPTION_FAILED, Phase.SCORING_FAILED})
