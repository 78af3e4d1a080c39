"""The real services behind a practice session: microphone, speech model, scorer and history readers.

Everything here runs on worker threads except the two factories; each worker job that touches the
database opens its own connection, so the GUI thread's connection is never shared across threads.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from tpm_coach.config import Settings, TranscriptionSettings
from tpm_coach.config import TranscriptionEngine as TranscriptionEngineKind
from tpm_coach.domain import AttemptRecord, DeliveryMetrics, ScoreResult, Transcript
from tpm_coach.errors import KnownError, TranscriptionError
from tpm_coach.practice.ports import LiveTranscriber, PracticeServices, Recording, Samples
from tpm_coach.storage import AttemptRepository, Database

if TYPE_CHECKING:
    from tpm_coach.transcription import TranscriptionEngine
    from tpm_coach.transcription.engine import FloatArray


_BACKGROUND_NICENESS = 10
_lowered = threading.local()


def lower_thread_priority() -> None:
    """Run the calling thread (and threads it starts later) below the GUI, once per thread.

    Transcription saturates both cores of a small machine; at normal priority the GUI thread then waits
    for a core (measured: 80 ms stalls, under 25 ms with this). Linux only: there a thread's nice value is
    its own and is inherited by threads it creates, such as CTranslate2's workers created at model load.
    """
    if getattr(_lowered, "done", False) or not sys.platform.startswith("linux"):
        return
    _lowered.done = True
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _BACKGROUND_NICENESS)


class BackgroundEngine:
    """A TranscriptionEngine whose work always runs at background priority, on whichever thread calls it."""

    def __init__(self, engine: TranscriptionEngine) -> None:
        self._engine = engine

    def close(self) -> None:
        close = getattr(self._engine, "close", None)
        if callable(close):
            close()

    @property
    def engine_name(self) -> str:
        return self._engine.engine_name

    @property
    def model_name(self) -> str:
        return self._engine.model_name

    def prepare(self) -> None:
        lower_thread_priority()
        self._engine.prepare()

    def transcribe(self, audio: FloatArray, *, initial_prompt: str | None = None) -> Transcript:
        lower_thread_priority()
        return self._engine.transcribe(audio, initial_prompt=initial_prompt)


class SpeechModel:
    """The transcription engine for the current settings: created on first use, re-created when they change.

    `prepare()` loads the model (seconds, the first time); call it in a worker after the window shows.
    """

    def __init__(self, settings: Callable[[], TranscriptionSettings]) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._engine: BackgroundEngine | None = None
        self._closed = False
        self._built_for: TranscriptionSettings | None = None
        self.ready = threading.Event()

    def engine(self) -> TranscriptionEngine:
        with self._lock:
            if self._closed:
                raise TranscriptionError("transcription is not available while the app is closing")
            current = self._settings()
            if self._engine is None or current != self._built_for:
                if self._engine is not None:
                    self._engine.close()
                self._engine = BackgroundEngine(self._build(current))
                self._built_for = current
                self.ready.clear()
            return self._engine

    @staticmethod
    def _build(settings: TranscriptionSettings) -> TranscriptionEngine:
        if settings.engine is TranscriptionEngineKind.LOCAL:
            from tpm_coach.practice.speech_process import ProcessEngine

            return ProcessEngine(settings)
        from tpm_coach.transcription import create_engine  # numpy and friends load off the GUI thread

        return create_engine(settings)

    def close(self) -> None:
        """Stop the model's process (the app is quitting); safe to call more than once."""
        with self._lock:
            self._closed = True
            engine, self._engine = self._engine, None
            self._built_for = None
        if engine is not None:
            engine.close()

    def prepare(self) -> str:
        """Load the model; returns its name for the status line."""
        engine = self.engine()
        engine.prepare()
        self.ready.set()
        return engine.model_name


@contextmanager
def attempts_for_worker(db_path: Path) -> Iterator[AttemptRepository]:
    """An AttemptRepository on a connection of the calling (worker) thread, closed afterwards."""
    db = Database.open(db_path)
    try:
        yield AttemptRepository(db)
    finally:
        db.close()


def _sounddevice() -> ModuleType:
    from tpm_coach.audio.devices import import_sounddevice

    return import_sounddevice()


def build_services(
    settings: Callable[[], Settings],
    db_path: Path,
    speech: SpeechModel,
    *,
    sounddevice: Callable[[], ModuleType] = _sounddevice,
) -> PracticeServices:
    """`settings` returns the current settings, so a change in Settings applies to the next answer."""

    def device() -> str | None:
        return settings().audio.input_device or None

    def check_microphone() -> None:
        from tpm_coach.audio.devices import resolve_input_device

        resolve_input_device(sounddevice(), device())

    def new_recording(
        wav_path: Path,
        *,
        time_limit_s: float | None,
        on_block: Callable[[Samples], None],
        on_error: Callable[[KnownError], None],
    ) -> Recording:
        from tpm_coach.audio.recorder import Recorder

        return Recorder(
            sounddevice(),
            wav_path,
            device=device(),
            samplerate=16000,
            time_limit_s=time_limit_s,
            listeners=[on_block],
            on_error=on_error,
        )

    def new_live_transcriber(on_update: Callable[[Transcript], None]) -> LiveTranscriber:
        from tpm_coach.transcription.incremental import IncrementalTranscriber

        return IncrementalTranscriber(speech.engine(), on_update=on_update)

    def transcribe_file(path: Path) -> Transcript:
        from tpm_coach.audio.loader import load_audio

        return speech.engine().transcribe(load_audio(path))

    def delivery_metrics(transcript: Transcript) -> DeliveryMetrics:
        from tpm_coach.transcription.metrics import compute_delivery_metrics

        return compute_delivery_metrics(transcript)

    def score_attempt(attempt_id: int, scorer: str) -> ScoreResult:
        from tpm_coach.scoring import ScorerChoice, ScoringService, scorer_factory

        choice: ScorerChoice = "llm" if scorer == "llm" else "offline" if scorer == "offline" else "auto"
        with attempts_for_worker(db_path) as attempts:
            service = ScoringService(attempts, scorer_factory(lambda: settings().llm))
            return service.score_attempt(attempt_id, scorer=choice)

    def load_history() -> list[AttemptRecord]:
        with attempts_for_worker(db_path) as attempts:
            return attempts.list_scored()

    return PracticeServices(
        check_microphone=check_microphone,
        new_recording=new_recording,
        new_live_transcriber=new_live_transcriber,
        transcribe_file=transcribe_file,
        delivery_metrics=delivery_metrics,
        score_attempt=score_attempt,
        load_history=load_history,
    )
