"""The main window: navigation (Practice, History, Progress, Question banks, Settings), the message area,
and the start-up checks that run in the background once it is shown."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
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

from tpm_coach.config import Settings
from tpm_coach.context import AppContext
from tpm_coach.practice.ports import PracticeServices
from tpm_coach.practice.wiring import SpeechModel, build_services
from tpm_coach.ui.feedback.review import ReviewPage
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.practice.view import PracticeView
from tpm_coach.ui.settings.view import SettingsView
from tpm_coach.ui.startup import StartupChecks
from tpm_coach.ui.style import NAV_INK, icon, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.message_bar import MessageBar
from tpm_coach.ui.workers import WorkerPool

log = logging.getLogger(__name__)

# (key, title, icon, module, class): views built by other modules are imported on first use.
NAVIGATION: tuple[tuple[str, str, str, str, str], ...] = (
    ("practice", "Practice", "practice", "", ""),
    ("history", "History", "history", "tpm_coach.ui.history.view", "HistoryView"),
    ("progress", "Progress", "progress", "tpm_coach.ui.progress.view", "ProgressView"),
    ("banks", "Question banks", "banks", "tpm_coach.ui.bank_editor.view", "BankEditorView"),
    ("settings", "Settings", "settings", "", ""),
)


class MainWindow(QMainWindow):
    reopen_requested = Signal(object)  # a callable to run while the database is closed, or None

    def __init__(
        self,
        context: AppContext,
        messages: MessageSink,
        workers: WorkerPool,
        *,
        services: Callable[[], PracticeServices] | None = None,
        speech_engine: str | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.messages = messages
        self.workers = workers
        self.setWindowTitle("TPM Coach")
        self.resize(1180, 800)
        self.setMinimumSize(QSize(900, 620))
        self.speech = SpeechModel(lambda: self.context.settings.transcription)
        self.services = services or (
            lambda: build_services(lambda: self.context.settings, self.context.data_paths.database, self.speech)
        )
        self.runner = QtTaskRunner(workers, self)
        self._closed = False

        root = QWidget(self)
        self.setCentralWidget(root)
        row = QHBoxLayout(root)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_sidebar(root))
        content = QWidget(root)
        content.setObjectName("Content")
        column = QVBoxLayout(content)
        column.setContentsMargins(28, 20, 28, 20)
        column.setSpacing(12)
        self.message_bar = MessageBar(messages, content)
        column.addWidget(self.message_bar)
        self.stack = QStackedWidget(content)
        self.stack.setObjectName("Pages")
        column.addWidget(self.stack, 1)
        row.addWidget(content, 1)

        self.practice = PracticeView(context, messages, workers, self.services, speech_engine=speech_engine)
        self.practice.session_finished.connect(self._session_finished)
        self.practice.settings_requested.connect(self.show_settings)
        self.practice.history_requested.connect(lambda: self.navigate("history"))
        self.settings = SettingsView(context, messages, workers)
        self.settings.saved.connect(self._settings_saved)
        self.review = ReviewPage(context, messages, self.runner, self.services)
        self.review.back_clicked.connect(self._back_from_review)
        self.review.attempt_changed.connect(lambda _id: self.refresh_views())
        self.views: dict[str, QWidget] = {"practice": self.practice, "settings": self.settings}
        self._pages: dict[str, int] = {}
        self._add_page("practice", self.practice)
        self._add_page("settings", self.settings)
        self._add_page("review", self.review)
        self._return_to = "history"
        self.startup = StartupChecks(self)

        for index, (key, *_rest) in enumerate(NAVIGATION):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self, activated=lambda k=key: self.navigate(k))
        self.nav.setCurrentRow(0)

    # -- layout ------------------------------------------------------------------------------------
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
        for index, (key, title_text, icon_name, *_rest) in enumerate(NAVIGATION):
            item = QListWidgetItem(icon(icon_name, NAV_INK), title_text, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{title_text} (Ctrl+{index + 1})")
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

    def _add_page(self, key: str, widget: QWidget) -> None:
        self._pages[key] = self.stack.addWidget(widget)

    def _update_scorer_status(self, settings: Settings) -> None:
        llm = settings.llm
        self.scorer_status.setText(f"Scoring: {llm.resolved_model()}" if llm.enabled else "Scoring: offline scorer")

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
        """The page for a navigation key, building another module's view on first use."""
        if key in self.views:
            return self.views[key]
        spec = next((n for n in NAVIGATION if n[0] == key), None)
        if spec is None:
            return None
        widget = self._build_external(spec)
        self.views[key] = widget
        self._add_page(key, widget)
        return widget

    def _build_external(self, spec: tuple[str, str, str, str, str]) -> QWidget:
        key, title, _icon, module_name, class_name = spec
        try:
            module = importlib.import_module(module_name)
            widget: QWidget = getattr(module, class_name)(self.context, self.messages, self.workers)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            placeholder = QWidget(self)
            layout = QVBoxLayout(placeholder)
            layout.addWidget(label(title, "PageTitle", placeholder))
            layout.addWidget(label(f"{title} is not available in this build.", "Muted", placeholder))
            layout.addStretch(1)
            return placeholder
        if key == "history" and hasattr(widget, "attempt_requested"):
            widget.attempt_requested.connect(self.show_attempt)
            widget.session_deleted.connect(lambda _id: self.refresh_views())
        if key == "banks" and hasattr(widget, "banks_changed"):
            widget.banks_changed.connect(self.practice.setup.reload)
        self._refresh(widget)
        return widget

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
    def _refresh(self, widget: QWidget) -> None:
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    def refresh_views(self) -> None:
        for key in ("history", "progress"):
            if key in self.views:
                self._refresh(self.views[key])

    def _session_finished(self, _session_id: int) -> None:
        self.refresh_views()

    def _settings_saved(self, settings: Settings, data_changed: bool) -> None:
        self._update_scorer_status(settings)
        self.practice.setup.reload()
        if data_changed:
            self.reopen_requested.emit(None)
        else:
            self.startup.load_speech_model()

    def llm_settings_changed(self, settings: Settings) -> None:
        """The first-run choice of scorer was saved outside the Settings page: show it there and here."""
        self._update_scorer_status(settings)
        self.settings.load()

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
        if self._closed:
            return
        self._closed = True
        # The model's process goes first, so a thread waiting on it returns at once instead of finishing
        # a transcription nobody will see (the recording is kept and finished at the next start).
        self.speech.close()
        self.practice.shutdown()
        self.settings.shutdown()
        self.message_bar.stop()
        self.runner.close()
        for view in self.views.values():
            stop = getattr(view, "shutdown", None)
            if callable(stop) and view not in (self.practice, self.settings):
                stop()
        if not self.workers.shutdown():
            log.warning("background work did not finish in time at shutdown")
        self.context.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A view with unsaved work (the bank editor) may ask to keep the window open.
        for view in self.views.values():
            confirm = getattr(view, "confirm_close", None)
            if callable(confirm) and not confirm():
                event.ignore()
                return
        self.shutdown()
        super().closeEvent(event)
