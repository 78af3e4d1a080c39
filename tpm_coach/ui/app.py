"""Starting the desktop app: logging, crash reporting, the stylesheet, the database, and the main window."""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from tpm_coach import paths
from tpm_coach.config import Settings, load_settings
from tpm_coach.context import AppContext
from tpm_coach.errors import ConfigError, DataFolderInUseError, KnownError, SchemaTooNewError, StorageError
from tpm_coach.logs import LOG_FILE_NAME, setup_logging
from tpm_coach.maintenance import restore_backup
from tpm_coach.maintenance.backup import backups_folder
from tpm_coach.scoring.detect import FoundServer
from tpm_coach.storage.instance_lock import DataFolderLock, instance_channel_name, lock_data_folder
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.onboarding import offer_first_run, offer_llm_setup
from tpm_coach.ui.widgets.message_box import plain_message_box
from tpm_coach.ui.workers import WorkerPool

if TYPE_CHECKING:
    from tpm_coach.ui.main_window import MainWindow  # imported when the window is built, after the splash work

log = logging.getLogger("tpm_coach")


class CrashReporter(QObject):
    """sys.excepthook and threading.excepthook: log the traceback, then show it in a dialog (GUI thread)."""

    _report = Signal(str, str)

    def __init__(self, messages: MessageSink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.dialog: QMessageBox | None = None
        self.reported: list[str] = []
        self._previous: tuple[Any, Any] = (sys.excepthook, threading.excepthook)
        self._report.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if isinstance(exc, KnownError):  # a problem the user can fix, not a defect: no crash dialog
            log.warning("unhandled known error: %s", exc)
            self.messages.error(exc)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.critical("unhandled exception:\n%s", details)
        self._report.emit(f"{exc_type.__name__}: {exc}", details)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.reported.append(summary)
        if self.dialog is not None and self.dialog.isVisible():
            return  # one dialog at a time; everything is in the log
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "TPM Coach hit a problem",
            "Something went wrong inside TPM Coach. Your recorded answers are kept.",
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the summary quotes an exception, which may quote anything
        box.setInformativeText(f"{summary}\n\nDetails are in the log: {paths.log_dir() / LOG_FILE_NAME}")
        box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        self.dialog = box
        box.show()


def tell(icon: QMessageBox.Icon, title: str, text: str) -> None:
    """A modal notice with an OK button. Its text quotes errors, which quote paths and servers: shown as plain text."""
    plain_message_box(icon, title, text, QMessageBox.StandardButton.Ok).exec()


def set_aside(path: Path) -> Path:
    """Rename a database that cannot be opened (and its WAL files) so a new one can be created; never delete."""
    aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(aside.with_name(aside.name + suffix))
    return aside


def open_database(context: AppContext, ask: Callable[[StorageError, AppContext], str]) -> str:
    """Open the database, asking what to do if it cannot be: 'restore:<zip>', 'fresh', 'retry' or 'quit'.

    Returns a note for the user ('' when nothing happened). A newer schema is never touched.
    """
    note = ""
    while True:
        try:
            _ = context.database
            return note
        except SchemaTooNewError:
            raise
        except StorageError as exc:
            choice = ask(exc, context)
            path = context.data_paths.database
            if choice == "fresh":
                note = f"Started a new database; the damaged one was kept as {set_aside(path)}."
            elif choice.startswith("restore:"):
                try:
                    result = restore_backup(Path(choice.removeprefix("restore:")), context.data_paths)
                except KnownError as restore_error:
                    tell(QMessageBox.Icon.Warning, "Restore failed", str(restore_error))
                    continue
                note = f"Restored the backup of {result.manifest.created_at}."
                if result.previous is not None:
                    note += f" The damaged data folder was kept as {result.previous}."
            elif choice != "retry":
                raise


def ask_about_damaged_database(error: StorageError, context: AppContext) -> str:
    box = plain_message_box(
        QMessageBox.Icon.Warning,
        "The database cannot be opened",
        f"{error.message}\n\nNothing has been changed or deleted. What would you like to do?",
        QMessageBox.StandardButton.NoButton,
    )
    restore = box.addButton("Restore from a backup…", QMessageBox.ButtonRole.AcceptRole)
    fresh = box.addButton("Start with an empty database", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is restore:
        chosen, _ = QFileDialog.getOpenFileName(
            None, "Choose a backup", str(backups_folder(context.data_paths)), "tpm_coach backups (*.zip);;All (*)"
        )
        return f"restore:{chosen}" if chosen else "retry"
    if box.clickedButton() is fresh:
        return "fresh"
    return "quit"


class AppShell(QObject):
    """Owns the window and rebuilds it when the data folder changes or the database is restored."""

    def __init__(
        self,
        messages: MessageSink,
        workers: WorkerPool,
        *,
        speech_engine: str | None = None,
        detect_servers: Callable[[], list[FoundServer]] | None = None,
    ) -> None:
        super().__init__()
        self.messages = messages
        self.workers = workers
        self.speech_engine = speech_engine
        self.detect_servers = detect_servers  # None: the usual local ports
        self._window: MainWindow | None = None
        self.instance: SingleInstance | None = None

    @property
    def window(self) -> MainWindow:
        if self._window is None:
            raise RuntimeError("the window is not built yet")
        return self._window

    @property
    def built_window(self) -> MainWindow | None:
        return self._window

    def load_context(self) -> AppContext:
        try:
            settings = load_settings()
        except ConfigError as exc:
            self.messages.error(exc)
            settings = Settings()
        return AppContext(settings)

    def build(self, context: AppContext) -> MainWindow:
        from tpm_coach.ui.deps import ViewDeps
        from tpm_coach.ui.main_window import MainWindow

        deps = ViewDeps.build(context, self.messages, self.workers)
        self._window = window = MainWindow(deps, speech_engine=self.speech_engine)
        window.reopen_requested.connect(self.reopen)
        return window

    def show(self) -> None:
        self.window.show()
        # After the first paint: nothing slow may happen before the window is interactive.
        QTimer.singleShot(0, self.window.start_background_tasks)
        # The guide asks how answers are scored in its second step; without it, the question comes by itself.
        if not offer_first_run(self.window, self.detect_servers):
            offer_llm_setup(self.window, self.detect_servers)

    def reopen(self, between: Callable[[], None] | None) -> None:
        old = self.window
        old.shutdown()
        old.hide()
        old.deleteLater()
        if between is not None:
            try:
                between()
            except KnownError as exc:
                self.messages.error(exc)
        context = self.load_context()
        try:
            if self.instance is not None:
                self.instance.claim(context.data_paths.root)  # the folder may be new, or restored under us
            note = open_database(context, ask_about_damaged_database)
        except StorageError as exc:
            self.messages.error(exc)
            QApplication.quit()
            return
        if note:
            self.messages.info(note)
        self.build(context)
        self.show()

    def stop(self) -> None:
        if self._window is not None:
            self._window.shutdown()
        if self.instance is not None:
            self.instance.release()


class SingleInstance(QObject):
    """Owns the data folder for this process, and shows the window when the app is started again on it."""

    def __init__(self, shell: AppShell) -> None:
        super().__init__(shell)
        self.shell = shell
        self.lock: DataFolderLock | None = None
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._started_again)

    def claim(self, root: Path) -> None:
        """Raises DataFolderInUseError while another process owns `root`."""
        lock = lock_data_folder(root)
        if self.lock is not None and self.lock is not lock:
            self.lock.release()
        self.lock = lock
        name = instance_channel_name(root)
        if self.server.serverName() != name:
            self.server.close()
            QLocalServer.removeServer(name)  # left by a crash: holding the lock, nobody else can be serving it
            if self.server.listen(name):
                log.info("this instance owns %s; a second start hands over to it", root)
            else:
                log.warning("a second start cannot hand over to this one: %s", self.server.errorString())

    def release(self) -> None:
        self.server.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @Slot()
    def _started_again(self) -> None:
        while self.server.hasPendingConnections():
            self.server.nextPendingConnection().deleteLater()
        window = self.shell.built_window
        if window is not None:
            if window.isMinimized():
                window.showNormal()
            window.show()
            window.raise_()
            window.activateWindow()
        log.info("started again on the same data folder: brought the window to the front")


def hand_over(root: Path, refusal: DataFolderInUseError) -> int:
    """Ask the instance that owns `root` to show its window; 0 once it was told, 2 if none answers."""
    socket = QLocalSocket()
    for _ in range(15):  # the owner may be between taking the folder and listening
        socket.connectToServer(instance_channel_name(root))
        if socket.waitForConnected(500):
            socket.disconnectFromServer()
            log.info("another instance owns %s; asked it to show its window", root)
            return 0
        time.sleep(0.2)
    tell(QMessageBox.Icon.Warning, "TPM Coach cannot open this data folder", str(refusal))  # e.g. a restore runs
    return 2


def open_at_start(context: AppContext) -> str | None:
    """The database opened for the first window (see open_database): its note, or None when the app cannot start."""
    try:
        return open_database(context, ask_about_damaged_database)
    except SchemaTooNewError as exc:
        tell(QMessageBox.Icon.Critical, "TPM Coach is too old for this data", str(exc))
    except StorageError:
        pass  # the user chose to quit
    return None


@dataclass
class Launched:
    app: QApplication
    shell: AppShell
    reporter: CrashReporter
    messages: MessageSink


def launch(argv: list[str] | None = None) -> Launched | int:
    """Everything up to the window being shown; returns an exit code if the app cannot start."""
    log_path = setup_logging()
    app = QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("TPM Coach")
    app.setOrganizationName("tpm_coach")
    app.setDesktopFileName("tpm-coach")
    from tpm_coach.ui.style import apply_style

    apply_style(app)
    messages = MessageSink()
    reporter = CrashReporter(messages)
    reporter.install()
    log.info("starting; log file %s", log_path)
    shell = AppShell(messages, WorkerPool())
    context = shell.load_context()
    shell.instance = SingleInstance(shell)
    try:
        shell.instance.claim(context.data_paths.root)
    except DataFolderInUseError as exc:
        reporter.uninstall()
        return hand_over(context.data_paths.root, exc)
    note = open_at_start(context)
    if note is None:
        reporter.uninstall()
        return 2
    if note:
        messages.info(note)
    shell.build(context)
    shell.show()
    return Launched(app, shell, reporter, messages)


def run_gui(argv: list[str] | None = None) -> int:
    launched = launch(argv)
    if isinstance(launched, int):
        return launched
    code = launched.app.exec()
    launched.shell.stop()
    launched.reporter.uninstall()
    log.info("stopped")
    return int(code)
