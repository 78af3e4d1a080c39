"""The practice controller's background steps: each runs on a worker through the TaskRunner, does all of its
storage there, and returns what the controller shows next, so its own thread never waits on the database."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tpm_coach.domain import Transcript
from tpm_coach.errors import KnownError
from tpm_coach.practice.answers import StoredAnswer
from tpm_coach.practice.delivery import measure_delivery
from tpm_coach.practice.ports import LiveTranscriber, PracticeServices, Recording, RecordingResultLike
from tpm_coach.practice.scoring_call import ScoringCall
from tpm_coach.practice.summary import SessionReport, build_report
from tpm_coach.practice.turn import Turn
from tpm_coach.scoring.base import ScorerChoice
from tpm_coach.stories.matcher import StoryMatch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartedAnswer:
    attempt_id: int
    wav_path: Path
    recording: Recording
    live: LiveTranscriber


@dataclass(frozen=True)
class ScoredAnswer:
    """After a scoring step: the answer as stored, and why scoring failed if it did (stored on it too)."""

    stored: StoredAnswer
    error: Exception | None
    story: StoryMatch | None = None  # the story the answer told, when stories are tracked


@dataclass(frozen=True)
class SessionEnd:
    report: SessionReport
    history_error: Exception | None  # the report then lacks the comparison with earlier sessions


def start_spoken(
    services: PracticeServices,
    session_id: int,
    turn: Turn,
    time_limit_s: float,
    *,
    on_update: Callable[[Transcript], None],
    on_error: Callable[[KnownError], None],
    closing: threading.Event,
) -> StartedAnswer:
    """Check the microphone, open the answer's row, then record; a stream that cannot open closes the row.

    Nothing is stored when the microphone or the speech model is missing.
    """
    services.check_microphone()
    live = services.new_live_transcriber(on_update)
    try:
        opened = services.answers.open_spoken(session_id, turn)
    except Exception:
        live.cancel(wait=False)
        raise
    try:
        recording = services.new_recording(
            opened.wav_path, time_limit_s=time_limit_s, on_block=live.feed, on_error=on_error
        )
        recording.start()
    except Exception as exc:
        live.cancel(wait=False)
        services.answers.set_recorded(opened.attempt_id, 0.0, reason=f"the microphone could not be opened: {exc}")
        raise
    if closing.is_set():  # the app closed while the stream was opening; the row is recovered at next start
        recording.stop()
        live.cancel(wait=False)
    return StartedAnswer(opened.attempt_id, opened.wav_path, recording, live)


def stop_recording(services: PracticeServices, attempt_id: int, recording: Recording) -> RecordingResultLike:
    """Stop the stream and mark the answer recorded, with why it ended early if it did."""
    try:
        result = recording.stop()
    except Exception as exc:
        services.answers.set_recorded(attempt_id, recording.elapsed_s, reason=f"recording ended early: {exc}")
        raise
    reason = "" if result.error is None else str(result.error)
    services.answers.set_recorded(attempt_id, result.duration_s, reason=reason)
    return result


def score_answer(
    services: PracticeServices,
    session_id: int,
    attempt_id: int,
    scorer: ScorerChoice,
    transcript: Transcript | None = None,
    *,
    call: ScoringCall | None = None,
) -> ScoredAnswer:
    """Store `transcript` (when it is new) with its delivery metrics, score, and read the answer back once.

    A scoring failure (a cancelled scoring too) is returned rather than raised, with the answer as it left it.
    """
    if transcript is not None:
        metrics = measure_delivery(services.delivery_metrics, transcript)
        services.answers.save_transcript(attempt_id, transcript, metrics)
    error: Exception | None = None
    try:
        services.score_attempt(attempt_id, scorer, call=call)
    except Exception as exc:
        if not isinstance(exc, KnownError):
            log.exception("scoring answer %s failed", attempt_id)
        error = exc
    story = _link_story(services, attempt_id) if error is None else None
    return ScoredAnswer(services.answers.read(session_id, attempt_id), error, story)


def _link_story(services: PracticeServices, attempt_id: int) -> StoryMatch | None:
    """The story link is extra: a story file that cannot be read leaves the scored answer as it is."""
    if services.link_story is None:
        return None
    try:
        return services.link_story(attempt_id)
    except KnownError as exc:
        log.warning("the story told in answer %s was not linked: %s", attempt_id, exc)
    except Exception:
        log.exception("linking answer %s to a story failed", attempt_id)
    return None


def score_typed(
    services: PracticeServices,
    session_id: int,
    turn: Turn,
    transcript: Transcript,
    scorer: ScorerChoice,
    *,
    call: ScoringCall | None = None,
) -> ScoredAnswer:
    attempt_id = services.answers.open_typed(session_id, turn)
    return score_answer(services, session_id, attempt_id, scorer, transcript, call=call)


def summarise(services: PracticeServices, session_id: int) -> SessionEnd:
    """The session's report; history that cannot be read only drops the comparison with earlier sessions."""
    attempts = services.answers.session_attempts(session_id)
    error: Exception | None = None
    try:
        history = services.load_history()
    except Exception as exc:
        if not isinstance(exc, KnownError):
            log.exception("reading the history for the session summary failed")
        history, error = [], exc
    return SessionEnd(build_report(session_id, attempts, history), error)
