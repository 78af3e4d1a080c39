"""The speech model the app transcribes with: built for the current settings on first use, rebuilt when they
change, and always run below the GUI's priority (the local model in a child process of its own)."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from tpm_coach.config import TranscriptionEngine as TranscriptionEngineKind
from tpm_coach.config import TranscriptionSettings
from tpm_coach.domain import Transcript
from tpm_coach.errors import TranscriptionError

if TYPE_CHECKING:
    from tpm_coach.transcription import TranscriptionEngine
    from tpm_coach.transcription.download import DownloadProgress, ProgressCallback
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

    def transcribe(self, audio: FloatArray, *, initial_prompt: str | None = None, draft: bool = False) -> Transcript:
        lower_thread_priority()
        return self._engine.transcribe(audio, initial_prompt=initial_prompt, draft=draft)


class SpeechModel:
    """The transcription engine for the current settings: created on first use, re-created when they change.

    `prepare()` loads the model (seconds, the first time); call it in a worker after the window shows.
    """

    def __init__(
        self,
        settings: Callable[[], TranscriptionSettings],
        allowed_plain_http_hosts: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self._settings = settings
        # Hosts the API key may reach over plain http:// (a remote engine checks them when it is built).
        self._allowed_hosts = allowed_plain_http_hosts
        self._lock = threading.Lock()
        self._engine: BackgroundEngine | None = None
        self._closed = False
        self._built_for: TranscriptionSettings | None = None
        self.ready = threading.Event()
        # Told of a model download's progress (on the thread that prepares or transcribes); set by the window.
        self.download_progress: ProgressCallback | None = None

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

    def _build(self, settings: TranscriptionSettings) -> TranscriptionEngine:
        if settings.engine is TranscriptionEngineKind.LOCAL:
            from tpm_coach.transcription.speech_process import ProcessEngine

            return ProcessEngine(settings, progress=self._report_download)
        from tpm_coach.transcription import create_engine  # numpy and friends load off the GUI thread

        return create_engine(settings, allowed_plain_http_hosts=self._allowed_hosts())

    def _report_download(self, progress: DownloadProgress) -> None:
        report = self.download_progress
        if report is not None:
            report(progress)

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
