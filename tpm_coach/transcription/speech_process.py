"""The local speech model in a child process, so its native code never holds the app's GIL.

Loading the model (the tokenizer parse alone holds Python's GIL ~120 ms) and parts of every transcription
run in native code that does not release the GIL; in the app's process that freezes the window. Here the
child owns the model and the app only waits on a pipe, which releases the GIL. The child also runs at
background priority, so the window keeps a core on a small machine.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from tpm_coach.config import TranscriptionSettings
from tpm_coach.domain import Transcript
from tpm_coach.errors import KnownError, TranscriptionError
from tpm_coach.transcription.download import DownloadProgress, ProgressCallback

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from tpm_coach.transcription.engine import FloatArray

log = logging.getLogger(__name__)

CHILD_NICENESS = 10
_STOP_TIMEOUT_S = 3.0


def _serve(conn: Connection, settings_json: str) -> None:
    """The child: build the engine, then answer requests until told to quit or the pipe closes."""
    with contextlib.suppress(OSError):
        os.nice(CHILD_NICENESS)
    from tpm_coach.transcription import create_engine

    engine = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        kind = request[0]
        if kind == "quit":
            return
        try:
            if engine is None:
                engine = create_engine(
                    TranscriptionSettings.model_validate_json(settings_json), progress=_reporter(conn)
                )
            if kind == "prepare":
                engine.prepare()
                conn.send(("ok", engine.model_name))
            else:
                _, audio, prompt, draft = request
                transcript = engine.transcribe(audio, initial_prompt=prompt, draft=draft)
                conn.send(("ok", transcript.model_dump(mode="json")))
        except KnownError as exc:
            conn.send(("known", type(exc).__name__, exc.message, exc.hint))
        except Exception as exc:  # reported to the app, which logs it as a defect
            conn.send(("defect", f"{type(exc).__name__}: {exc}"))


def _reporter(conn: Connection) -> ProgressCallback:
    """Send a model download's progress to the app, which would otherwise wait without a word."""

    def report(progress: DownloadProgress) -> None:
        conn.send(("progress", progress.model, progress.done_bytes, progress.total_bytes))

    return report


class ProcessEngine:
    """A TranscriptionEngine whose model lives in a child process (started on first use, restarted if it dies).

    Calls from several threads are serialised; `close()` may be called from any thread at any time.
    """

    engine_name = "faster-whisper"

    def __init__(self, settings: TranscriptionSettings, progress: ProgressCallback | None = None) -> None:
        self._settings = settings
        self._progress = progress  # called on the calling thread while the child downloads the model
        self._model_name = settings.model
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs (its memory is the model's)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def _ensure_child(self) -> Connection:
        if self._closed:
            raise TranscriptionError("the app is closing", "")
        if self._conn is None or self._process is None or not self._process.is_alive():
            self._stop_child()
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_serve, args=(theirs, self._settings.model_dump_json()), name="speech-model", daemon=True
            )
            process.start()
            theirs.close()
            self._process, self._conn = process, ours
        return self._conn

    def _call(self, request: tuple[Any, ...]) -> Any:
        with self._lock:
            conn = self._ensure_child()
            try:
                conn.send(request)
                reply = conn.recv()
                while reply[0] == "progress":
                    if self._progress is not None:
                        self._progress(DownloadProgress(model=reply[1], done_bytes=reply[2], total_bytes=reply[3]))
                    reply = conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._stop_child()
                if self._closed:
                    raise TranscriptionError("transcription was stopped because the app is closing") from exc
                raise TranscriptionError(
                    "the speech model stopped unexpectedly", "try again; it restarts by itself"
                ) from exc
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "known":
            raise TranscriptionError(reply[2], reply[3])
        log.error("the speech model failed: %s", reply[1])
        raise TranscriptionError(f"transcription failed ({reply[1]})", "transcribe the saved recording again")

    def prepare(self) -> None:
        self._model_name = str(self._call(("prepare",)))

    def transcribe(self, audio: FloatArray, *, initial_prompt: str | None = None, draft: bool = False) -> Transcript:
        return Transcript.model_validate(self._call(("transcribe", audio, initial_prompt, draft)))

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(("quit",))
            conn.close()
        if process is not None:
            process.join(_STOP_TIMEOUT_S)
            if process.is_alive():
                process.terminate()
                process.join(_STOP_TIMEOUT_S)

    def close(self) -> None:
        """Stop the child: politely when idle; at once when a call is waiting on it (the call then fails
        with TranscriptionError instead of hanging)."""
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._stop_child()
            finally:
                self._lock.release()
            return
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
            process.join(_STOP_TIMEOUT_S)
        with self._lock:
            self._stop_child()
