"""Start-up work, all in the background once the window shows: load the speech model, check the database,
recover answers an earlier run left unfinished and offer to finish them."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QLabel

from tpm_coach.audio.recovery import recover_interrupted_attempts
from tpm_coach.context import AppContext
from tpm_coach.errors import KnownError
from tpm_coach.maintenance import DatabaseHealth, DatabaseState, check_database, restore_backup
from tpm_coach.practice.ports import PracticeServices
from tpm_coach.practice.recovery import FinishOutcome, finish_attempts, unfinished_attempt_ids
from tpm_coach.practice.wiring import attempts_for_worker, preload_answer_path
from tpm_coach.transcription.speech_model import SpeechModel
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.tasks import QtTaskRunner

log = logging.getLogger(__name__)


class StartupHost(Protocol):
    """What the start-up work uses of the main window."""

    context: AppContext
    messages: MessageSink
    runner: QtTaskRunner
    speech: SpeechModel
    services: Callable[[], PracticeServices]
    model_status: QLabel
    reopen_requested: SignalInstance

    def show_settings(self, section: str = "") -> None: ...
    def choose_backup(self) -> None: ...
    def refresh_views(self) -> None: ...


def keep_out_of_collections() -> None:
    """Leave every object made so far out of later garbage collections.

    What start-up makes (modules, banks, the window) lives as long as the app. A full collection walks every
    such object holding the GIL, so the window waited for it whichever thread set it off (bench/ui_stall.py:
    34 and 84 ms pauses while recording and on feedback; the window just shown takes 28-63 ms to walk).
    """
    gc.freeze()


class StartupChecks:
    def __init__(self, window: StartupHost) -> None:
        self.window = window
        self.recovered: list[int] = []
        self.pending: list[int] = []
        self.database_health: DatabaseHealth | None = None
        self.model_loaded = False

    def run(self) -> None:
        keep_out_of_collections()  # the modules and the window, while the model loads
        self.load_speech_model()
        self.check_database()
        self.recover_answers()

    # -- speech model ------------------------------------------------------------------------------
    def load_speech_model(self) -> None:
        window = self.window
        window.model_status.setText("Speech model: loading…")
        window.speech.download_progress = lambda report: window.runner.post(
            lambda: window.model_status.setText(f"Speech model: downloading {report.text}")
        )

        def done(name: str) -> None:
            self.model_loaded = True
            window.model_status.setText(f"Speech model: {name} ready")
            keep_out_of_collections()  # and what loading it made
            settings = window.context.settings
            window.runner.submit(
                lambda: preload_answer_path(settings),
                lambda _: keep_out_of_collections(),
                lambda exc: log.warning("preloading the answer path failed: %s", exc),  # first use says why
            )

        def failed(exc: Exception) -> None:
            window.model_status.setText("Speech model: not available")
            text = str(exc) if isinstance(exc, KnownError) else f"The speech model could not be loaded ({exc})"
            window.messages.error(
                f"{text}. You can still type your answers.",
                "Transcription settings",
                lambda: window.show_settings("transcription"),
            )

        window.runner.submit(window.speech.prepare, done, failed, serial=True)

    # -- database ----------------------------------------------------------------------------------
    def check_database(self) -> None:
        window = self.window
        data_paths = window.context.data_paths

        def done(health: DatabaseHealth) -> None:
            self.database_health = health
            if health.state is DatabaseState.DAMAGED:
                latest = next((b for b in health.backups if b.manifest is not None), None)
                if latest is not None:
                    window.messages.error(
                        health.message(),
                        f"Restore {latest.path.name}",
                        lambda: self.restore_from(str(latest.path)),
                        more_actions=(("Choose a backup…", window.choose_backup),),
                    )
                else:
                    window.messages.error(health.message(), "Choose a backup…", window.choose_backup)

        def failed(exc: Exception) -> None:
            window.messages.error(f"The database could not be checked: {exc}", "Choose a backup…", window.choose_backup)

        window.runner.submit(lambda: check_database(data_paths), done, failed)

    def restore_from(self, backup: str) -> None:
        data_paths = self.window.context.data_paths

        def restore() -> None:
            result = restore_backup(Path(backup), data_paths)
            self.window.messages.info(
                f"Restored the backup from {result.manifest.created_at}."
                + (f" Your previous data folder was kept as {result.previous}." if result.previous else "")
            )

        self.window.reopen_requested.emit(restore)

    # -- unfinished answers ------------------------------------------------------------------------
    def recover_answers(self) -> None:
        window = self.window
        db_path, data_paths = window.context.data_paths.database, window.context.data_paths

        def job() -> tuple[list[int], list[int]]:
            with attempts_for_worker(db_path) as attempts:
                recovered = recover_interrupted_attempts(attempts, data_paths)
                return recovered, unfinished_attempt_ids(attempts, data_paths)

        def done(result: tuple[list[int], list[int]]) -> None:
            self.recovered, self.pending = result
            if not self.pending:
                return
            count = len(self.pending)
            what = "answer was" if count == 1 else "answers were"
            note = " Recordings interrupted by a crash were recovered." if self.recovered else ""
            window.messages.warning(
                f"{count} {what} not transcribed or scored last time.{note}",
                "Transcribe and score now",
                lambda: self.finish_pending(list(self.pending)),
            )
            window.refresh_views()

        def failed(exc: Exception) -> None:
            window.messages.error(f"Unfinished answers could not be recovered: {exc}")

        window.runner.submit(job, done, failed)

    def finish_pending(self, ids: list[int]) -> None:
        window = self.window
        db_path, data_paths = window.context.data_paths.database, window.context.data_paths
        services = window.services()
        window.messages.info(f"Transcribing and scoring {len(ids)} earlier answer(s) in the background…")

        def job() -> FinishOutcome:
            with attempts_for_worker(db_path) as attempts:
                return finish_attempts(ids, attempts, data_paths, services)

        def done(outcome: FinishOutcome) -> None:
            self.pending = sorted(outcome.failed)
            window.refresh_views()
            if outcome.failed:
                first = next(iter(outcome.failed.values()))
                window.messages.error(
                    f"{len(outcome.failed)} earlier answer(s) could not be finished: {first}",
                    "Try again",
                    lambda: self.finish_pending(sorted(outcome.failed)),
                )
            else:
                window.messages.info(f"{len(outcome.finished)} earlier answer(s) scored; see History.")

        def failed(exc: Exception) -> None:
            window.messages.error(f"Earlier answers could not be finished: {exc}")

        window.runner.submit(job, done, failed, serial=True)
