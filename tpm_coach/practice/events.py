"""What the practice controller tells its view: phase changes with a snapshot to render, the live transcript,
the judge's progress, problems with actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tpm_coach.errors import AudioDeviceError, EmptyAnswerError, KnownError
from tpm_coach.practice.phase import Phase
from tpm_coach.practice.summary import SessionReport
from tpm_coach.practice.turn import Turn
from tpm_coach.scoring.base import ScorerChoice
from tpm_coach.scoring.partial import ScoringProgress
from tpm_coach.storage import AttemptRecord
from tpm_coach.stories.matcher import StoryMatch


class Action(StrEnum):
    """Something the candidate can do about a problem; the view turns each into a button."""

    RETRY_TRANSCRIPTION = "retry_transcription"
    RETRY_SCORING = "retry_scoring"
    SCORE_OFFLINE = "score_offline"
    TYPE_ANSWER = "type_answer"
    RECORD_AGAIN = "record_again"
    AUDIO_SETTINGS = "audio_settings"
    LLM_SETTINGS = "llm_settings"


@dataclass(frozen=True)
class Problem:
    error: Exception
    actions: tuple[Action, ...] = ()
    hint: str = ""  # replaces the error's own hint when the session knows a better next step
    step: str = ""  # what was being done, for errors that are defects

    @property
    def text(self) -> str:
        if isinstance(self.error, KnownError):
            message = self.error.message
            hint = self.hint or self.error.hint
        else:
            message = f"Something went wrong while {self.step or 'practising'} ({type(self.error).__name__})"
            hint = self.hint or "the details are in the log file"
        message = message[:1].upper() + message[1:]
        return f"{message} — {hint}" if hint else message


def microphone_problem(exc: Exception) -> Problem:
    """Recording could not start (no microphone, no speech model, a stream that would not open)."""
    if isinstance(exc, AudioDeviceError):
        hint = "type your answer instead, or pick a device in Settings"
        return Problem(exc, (Action.TYPE_ANSWER, Action.AUDIO_SETTINGS), hint, "opening the mic")
    return Problem(exc, (Action.TYPE_ANSWER,), step="starting to record")


def scoring_problem(exc: Exception, scorer: ScorerChoice) -> Problem:
    if isinstance(exc, EmptyAnswerError):
        actions: tuple[Action, ...] = (Action.RECORD_AGAIN, Action.TYPE_ANSWER)
    elif scorer == "offline":
        actions = (Action.RETRY_SCORING,)
    else:
        actions = (Action.RETRY_SCORING, Action.SCORE_OFFLINE, Action.LLM_SETTINGS)
    return Problem(exc, actions, step="scoring")


@dataclass(frozen=True)
class PracticeSnapshot:
    """The session as it stood when its phase changed: everything a view renders, fixed at that moment.

    Values that move between phase changes (the level meter, the answer's elapsed time, the thinking
    countdown) are not here: the view polls them ~30 Hz as `LiveReadings`.
    """

    phase: Phase
    session_id: int | None
    turn: Turn | None
    position: tuple[int, int]  # (1-based number of the current plan question, number of questions)
    is_last_question: bool
    time_limit_s: int
    problem: Problem | None  # set in the failure phases
    record: AttemptRecord | None  # the current answer once scored, or once its scoring failed
    follow_up: str | None  # the follow-up the candidate may answer next, after feedback
    comparable: tuple[AttemptRecord, ...]  # this session's answers to the current question, oldest first
    report: SessionReport | None  # in the summary phase
    story: StoryMatch | None = None  # the story the scored answer told (story_id None: a new story)


@dataclass(frozen=True)
class LiveReadings:
    thinking_remaining_s: float
    elapsed_s: float
    level: float


@dataclass(frozen=True)
class PhaseChanged:
    snapshot: PracticeSnapshot
    previous: Phase

    @property
    def phase(self) -> Phase:
        return self.snapshot.phase


@dataclass(frozen=True)
class LiveTextChanged:
    text: str


@dataclass(frozen=True)
class ScoringProgressed:
    """How far the judge's streamed reply is: its criteria are provisional until the whole reply is validated."""

    progress: ScoringProgress


@dataclass(frozen=True)
class ProblemRaised:
    problem: Problem


@dataclass(frozen=True)
class SessionStarted:
    session_id: int
    note: str = field(default="")


Event = PhaseChanged | LiveTextChanged | ScoringProgressed | ProblemRaised | SessionStarted
