"""What the practice controller needs from audio, transcription, scoring and its host, as small protocols.

The GUI wires the real services (see `tpm_coach.practice.wiring`); unit tests hand in small stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tpm_coach.domain import AttemptRecord, Competency, DeliveryMetrics, Question, ScoreResult, Transcript
from tpm_coach.errors import KnownError
from tpm_coach.practice.answers import AnswerStore
from tpm_coach.practice.scoring_call import ScoringCall
from tpm_coach.scoring.base import ScorerChoice
from tpm_coach.stories.matcher import StoryMatch

T = TypeVar("T")

# 16 kHz mono float32 blocks (numpy arrays); kept as Any so this module does not need numpy's types.
Samples = Any


class RecordingResultLike(Protocol):
    @property
    def duration_s(self) -> float: ...

    @property
    def error(self) -> KnownError | None: ...  # why the recording ended early, if it did


class Recording(Protocol):
    """One answer being recorded to a WAV file (`tpm_coach.audio.recorder.Recorder`)."""

    @property
    def level(self) -> float: ...

    @property
    def elapsed_s(self) -> float: ...

    @property
    def is_recording(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> RecordingResultLike: ...


class LiveTranscriber(Protocol):
    """Transcribes while audio arrives (`tpm_coach.transcription.incremental.IncrementalTranscriber`)."""

    def feed(self, samples: Samples) -> None: ...

    def finish(self) -> Transcript: ...

    def cancel(self, *, wait: bool = True) -> None: ...


class RecorderFactory(Protocol):
    def __call__(
        self,
        wav_path: Path,
        *,
        time_limit_s: float | None,
        on_block: Callable[[Samples], None],
        on_error: Callable[[KnownError], None],
    ) -> Recording: ...


class TaskRunner(Protocol):
    """Runs blocking work off the controller's thread and calls back on it.

    `submit` runs `job` elsewhere, then `on_done(result)` or `on_error(exc)` on the controller's thread;
    `serial` jobs share one thread (the transcription model). `post` runs `fn` on the controller's
    thread soon; it may be called from any thread.
    """

    def submit(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        *,
        serial: bool = False,
    ) -> object: ...

    def post(self, fn: Callable[[], None]) -> None: ...


class ScoreAttempt(Protocol):
    """Scores a stored answer and stores the outcome (ScoringService.score_attempt); `call` follows the judge's
    progress and can cancel it."""

    def __call__(self, attempt_id: int, scorer: ScorerChoice, call: ScoringCall | None = None) -> ScoreResult: ...


@dataclass(frozen=True)
class PracticeServices:
    """The blocking services a session uses; the controller calls every one of them on a worker thread."""

    check_microphone: Callable[[], None]  # raises AudioDeviceError
    new_recording: RecorderFactory
    new_live_transcriber: Callable[[Callable[[Transcript], None]], LiveTranscriber]
    transcribe_file: Callable[[Path], Transcript]
    delivery_metrics: Callable[[Transcript], DeliveryMetrics]
    score_attempt: ScoreAttempt
    load_history: Callable[[], list[AttemptRecord]]  # scored attempts, oldest first
    answers: AnswerStore
    # Reads a question's scoring prompt into a local judge while the candidate answers (scoring/warm.py).
    warm_judge: Callable[[Question, Competency], object] | None = None
    # Detects the story a scored answer told and links the attempt to it; None where stories are not tracked.
    link_story: Callable[[int], StoryMatch | None] | None = None
