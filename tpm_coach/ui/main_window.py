"""The main window: navigation (Practice, Interview, History, Progress, Question banks, Settings), the message area,
and the start-up checks that run in the background once it is shown."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tpm_coach.banks import BankLibrary
from tpm_coach.config import Settings, TranscriptionEngine
from tpm_coach.errors import KnownError
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.feedback.review import ReviewPage
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.page import Page
from tpm_coach.ui.practice.view import PracticeView
from tpm_coach.ui.settings.view import SettingsView
from tpm_coach.ui.startup import StartupChecks
from tpm_coach.ui.style import NAV_INK, icon, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.message_bar import MessageBar

log = logging.getLogger(__name__)


# Pages other than Practice and Settings are built on first visit, so their modules (QtCharts for Progress) load
# only then and the window shows sooner.
def _history(deps: ViewDeps) -> QWidget:
    from tpm_coach.ui.history.view import HistoryView

    return HistoryView(deps)


def _progress(deps: ViewDeps) -> QWidget:
    from tpm_coach.ui.progress.view import ProgressView

    return ProgressView(deps)


def _bank_editor(deps: ViewDeps) -> QWidget:
    from tpm_coach.ui.bank_editor.view import BankEditorView

    return BankEditorView(deps)


def _interview(deps: ViewDeps) -> QWidget:
    from tpm_coach.ui.interview.view import InterviewView

    return InterviewView(deps)


def _stories(deps: ViewDeps) -> QWidget:
    from tpm_coach.ui.stories.view import StoriesView

    return StoriesView(deps)


def _coach(deps: ViewDeps) -> QWidget:
    from tpm_coach.ui.coach.page import CoachPage

    return CoachPage(deps)


@dataclass(frozen=True)
class NavEntry:
    key: str
    title: str
    icon: str
    build: Callable[[ViewDeps], QWidget] | None = None  # None: built with the window


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("practice", "Practice", "practice"),
    NavEntry("interview", "Interview", "speaker", _interview),
    NavEntry("history", "History", "history", _history),
    NavEntry("progress", "Progress", "progress", _progress),
    NavEntry("stories", "Stories", "stories", _stories),
    NavEntry("coach", "Coach", "history", _coach),
    NavEntry("banks", "Question banks", "banks", _bank_editor),
    NavEntry("settings", "Settings", "settings"),
)


class MainWindow(QMainWindow):
    reopen_requested = Signal(object)  # a callable to run while the database is closed, or None
    _banks_read = Signal(object)  # the finished read of the bank library (a Future), sent from the reading thread

    def __init__(self, deps: ViewDeps, *, speech_engine: str | None = None) -> None:
        super().__init__()
        self.deps = deps
        self.context = deps.context
        self.messages = messages = deps.messages
        self.workers = deps.workers
        self.speech = deps.speech
        self.services = deps.services
        self.speech_engine = speech_engine
        self.setWindowTitle("TPM Coach")
        self.resize(1180, 800)
        self.setMinimumSize(QSize(900, 620))
        self.runner = QtTaskRunner(deps.workers, self)
        self._closed = False
        self._behind: threading.Thread | None = None

        root = QWidget(self)
        self.setCentralWidget(root)
        row = QHBoxLayout(root)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_sidebar(root))
        row.addWidget(self._build_content(root, messages), 1)

        self.practice = PracticeView(deps, speech_engine=speech_engine)
        self.practice.session_finished.connect(self._session_finished)
        self.practice.settings_requested.connect(self.show_settings)
        self.practice.history_requested.connect(lambda: self.navigate("history"))
        self.practice.attempt_requested.connect(self.show_attempt)
        self.settings = self._build_settings(deps)
        self.review = ReviewPage(deps)
        self.review.back_clicked.connect(self._back_from_review)
        self.review.attempt_changed.connect(lambda _id: self.refresh_views())
        self.views: dict[str, QWidget] = {"practice": self.practice, "settings": self.settings}
        self.pages: dict[str, Page] = {"practice": self.practice, "settings": self.settings}
        self._pages: dict[str, int] = {}
        self._add_page("practice", self.practice)
        self._add_page("settings", self.settings)
        self._add_page("review", self.review)
        self._return_to = "history"
        self.startup = StartupChecks(self)

        for index, entry in enumerate(NAVIGATION):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda k=entry.key: self.navigate(k))
        self.nav.setCurrentRow(0)
        self._read_banks()

    # -- layout ------------------------------------------------------------------------------------
    def _build_content(self, parent: QWidget, messages: MessageSink) -> QWidget:
        """The message bar above the stack of pages."""
        content = QWidget(parent)
        content.setObjectName("Content")
        column = QVBoxLayout(content)
        column.setContentsMargins(28, 20, 28, 20)
        column.setSpacing(12)
        self.message_bar = MessageBar(messages, content)
        column.addWidget(self.message_bar)
        self.stack = QStackedWidget(content)
        self.stack.setObjectName("Pages")
        column.addWidget(self.stack, 1)
        return content

    def _build_sidebar(self, parent: QWidget) -> QWidget:
        sidebar = QWidget(parent)
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(220)
        layout = QVBoxLayout(sidebar)
        layout.setContentsMargins(0, 22, 0, 16)
        layout.setSpacing(2)
        title = label("TPM Coach", "AppTitle", sidebar)
        title.setContentsMargins(20, 0, 0, 0)
        layout.addWidget(title)
        subtitle = label("Interview practice", "AppSubtitle", sidebar)
        subtitle.setContentsMargins(20, 0, 0, 14)
        layout.addWidget(subtitle)
        self.nav = QListWidget(sidebar)
        self.nav.setObjectName("NavList")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setAccessibleName("Navigation")
        for index, entry in enumerate(NAVIGATION):
            item = QListWidgetItem(icon(entry.icon, NAV_INK), entry.title, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(f"{entry.title} (Ctrl+{index + 1})")
        self.nav.currentItemChanged.connect(self._nav_changed)
        layout.addWidget(self.nav, 1)
        self.model_status = label("Speech model: not loaded", "SidebarStatus", sidebar, wrap=True)
        self.model_status.setContentsMargins(20, 0, 12, 0)
        layout.addWidget(self.model_status)
        self.scorer_status = label("", "SidebarStatus", sidebar, wrap=True)
        self.scorer_status.setContentsMargins(20, 4, 12, 0)
        layout.addWidget(self.scorer_status)
        self._update_scorer_status(self.context.settings)
        return sidebar

    def _build_settings(self, deps: ViewDeps) -> SettingsView:
        view = SettingsView(deps)
        view.saved.connect(self._settings_saved)
        view.plain_http_allowed.connect(self._plain_http_allowed)
        view.guide_requested.connect(self.open_guide)
        return view

    def _add_page(self, key: str, widget: QWidget) -> None:
        self._pages[key] = self.stack.addWidget(widget)

    def _update_scorer_status(self, settings: Settings) -> None:
        llm = settings.llm
        self.scorer_status.setText(f"Scoring: {llm.resolved_model()}" if llm.enabled else "Scoring: offline scorer")

    # -- the bank library ---------------------------------------------------------------------------
    def _read_banks(self) -> None:
        """A large bank takes seconds to read, so the window shows first and its pages get the banks when the
        read ends. The read starts on the window's first turn of the event loop, once it is shown: started
        sooner, it shares the interpreter with building the window and holds the window back by about as much
        (bench/startup.py measures both)."""
        self.library: BankLibrary | None = None
        self._banks_read.connect(self._banks_ready)
        QTimer.singleShot(0, self, self._start_reading)

    def _start_reading(self) -> None:
        if not self._closed:
            self.context.load_banks_in_background().when_ready(self._hand_over_banks)

    def _hand_over_banks(self, read: Future[BankLibrary]) -> None:
        # On the reading thread (or on this one, when the read had already ended): the slot runs on the GUI thread.
        with contextlib.suppress(RuntimeError):  # the window was deleted before the read ended
            self._banks_read.emit(read)

    def _banks_ready(self, read: Future[BankLibrary]) -> None:
        if self._closed:
            return
        try:
            library = read.result()
        except KnownError as exc:
            self.practice.setup.banks_unavailable()
            self.settings.banks_unavailable()
            self.messages.error(exc)
            return
        self.library = library
        self.practice.setup.set_library(library)
        self.settings.set_library(library)

    # -- navigation --------------------------------------------------------------------------------
    def _nav_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self._show(str(current.data(Qt.ItemDataRole.UserRole)))

    def navigate(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                if self.nav.currentRow() == row:
                    self._show(key)
                else:
                    self.nav.setCurrentRow(row)
                return

    def _show(self, key: str) -> None:
        view = self.view(key)
        self.stack.setCurrentIndex(self._pages[key])
        if key == "settings" and view is not None:
            self.settings.refresh()

    def view(self, key: str) -> QWidget | None:
        """The page for a navigation key, built on first use."""
        if key in self.views:
            return self.views[key]
        entry = next((n for n in NAVIGATION if n.key == key), None)
        if entry is None or entry.build is None:
            return None
        widget = entry.build(self.deps)
        assert isinstance(widget, Page), f"{type(widget).__name__} is not a Page"
        self._connect_page(key, widget)
        self.views[key] = widget
        self.pages[key] = widget
        self._add_page(key, widget)
        widget.refresh()
        return widget

    def _connect_page(self, key: str, widget: QWidget) -> None:
        """The few signals that tie one page to another."""
        from tpm_coach.ui.bank_editor.view import BankEditorView
        from tpm_coach.ui.history.view import HistoryView
        from tpm_coach.ui.interview.view import InterviewView
        from tpm_coach.ui.progress.view import ProgressView
        from tpm_coach.ui.stories.view import StoriesView

        if isinstance(widget, HistoryView | ProgressView):
            widget.practice_requested.connect(lambda: self.navigate("practice"))
        if isinstance(widget, HistoryView):
            widget.attempt_requested.connect(self.show_attempt)
            widget.session_deleted.connect(lambda _id: self.refresh_views())
            widget.attempt_changed.connect(lambda _id: self.refresh_views())
        elif isinstance(widget, BankEditorView):
            widget.banks_changed.connect(self._banks_edited)
        elif isinstance(widget, InterviewView):
            widget.use_speech_engine(self.speech_engine)
            widget.session_finished.connect(self._session_finished)
            widget.practise_requested.connect(self._practise_skills)
        elif isinstance(widget, StoriesView):
            widget.drill_requested.connect(self._coverage_drill)

    def _practise_skills(self, skill_ids: list[str]) -> None:
        self.practice.setup.choose_skills(skill_ids)
        self.navigate("practice")

    def _banks_edited(self) -> None:
        """A bank was added, removed or turned on in the editor: Practice and the Settings list show it now."""
        self.practice.refresh()
        if self.library is not None:
            self.settings.set_library(self.library)

    def _coverage_drill(self, skills: list[str]) -> None:
        from tpm_coach.ui.stories.drill import prepare_coverage_drill

        self.navigate("practice")
        prepare_coverage_drill(self.practice.setup, skills)

    def show_settings(self, section: str = "") -> None:
        self.navigate("settings")
        if section:
            self.settings.show_section(section)

    def show_attempt(self, attempt_id: int) -> None:
        """Open the feedback for a stored attempt (History's "open this attempt")."""
        current = self.nav.currentItem()
        self._return_to = str(current.data(Qt.ItemDataRole.UserRole)) if current else "history"
        self.review.show_attempt(attempt_id)
        self.stack.setCurrentIndex(self._pages["review"])

    def _back_from_review(self) -> None:
        self._show(self._return_to)

    # -- reacting to changes -----------------------------------------------------------------------
    def refresh_views(self) -> None:
        for key in ("history", "progress"):
            if key in self.pages:
                self.pages[key].refresh()

    def _session_finished(self, _session_id: int) -> None:
        self.refresh_views()

    def _settings_saved(self, settings: Settings, data_changed: bool) -> None:
        self._update_scorer_status(settings)
        self.practice.refresh()
        if data_changed:
            self.reopen_requested.emit(None)
        else:
            self.startup.load_speech_model()

    def _plain_http_allowed(self, _host: str) -> None:
        # A remote speech model refused for want of that consent can be made now.
        if self.context.settings.transcription.engine is TranscriptionEngine.REMOTE:
            self.startup.load_speech_model()

    def llm_settings_changed(self, settings: Settings) -> None:
        """The first-run choice of scorer was saved outside the Settings page: show it there and here."""
        self._update_scorer_status(settings)
        self.settings.load()

    def open_guide(self) -> None:
        from tpm_coach.ui.onboarding import open_guide

        open_guide(self)

    def choose_backup(self) -> None:
        """Ask for a backup file and restore it (the window is rebuilt around the restored database)."""
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            "Restore from a backup",
            str(self.context.data_paths.root.parent),
            "tpm_coach backups (*.zip);;All files (*)",
        )
        if chosen:
            self.startup.restore_from(chosen)

    # -- start and stop ----------------------------------------------------------------------------
    def start_background_tasks(self) -> None:
        """Called once the window is visible: load the speech model, check the database, recover answers."""
        self.startup.run()

    def shutdown(self) -> None:
        """Stop the stream, finish or cancel background work, close the database. Safe to call twice."""
        self._begin_shutdown()
        if self._behind is not None:
            self._behind.join()
        self._end_shutdown()

    def _begin_shutdown(self) -> None:
        """Cancel everything; the waiting (the model's process, running workers) goes on a thread of its own."""
        if self._closed:
            return
        self._closed = True
        # The model's process goes first, so a thread waiting on it returns at once instead of finishing
        # a transcription nobody will see (the recording is kept and finished at the next start).
        self._behind = threading.Thread(target=self._wait_for_work, name="window-shutdown")
        self._behind.start()
        self.deps.scoring_calls.cancel()
        self.message_bar.stop()
        self.runner.close()
        self.review.runner.close()
        for page in self.pages.values():
            page.shutdown()

    def _wait_for_work(self) -> None:
        self.speech.close()
        if not self.workers.shutdown():
            log.warning("background work did not finish in time at shutdown")

    def _end_shutdown(self) -> None:
        behind = self._behind
        if behind is None or behind.is_alive():
            return  # not begun, already ended, or still waiting
        self._behind = None
        self.context.close()  # on the GUI thread, which opened the database

    def _end_when_done(self) -> None:
        if self._behind is not None and self._behind.is_alive():
            QTimer.singleShot(20, self._end_when_done)
        else:
            self._end_shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A view with unsaved work (the bank editor) may ask to keep the window open.
        if not all(page.confirm_close() for page in self.pages.values()):
            event.ignore()
            return
        # The window goes at once; the model's process and running workers finish behind it, and the
        # database closes when they have (or at the latest when the app's event loop has ended).
        super().closeEvent(event)
        self._begin_shutdown()
        self._end_when_done()
