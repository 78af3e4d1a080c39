"""All past sessions: searchable and filterable, opened into their answers, exported or deleted."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tpm_coach.errors import KnownError
from tpm_coach.history import delete_session, load_summaries
from tpm_coach.storage import SessionSummary
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.history.answer_search import AnswerSearch
from tpm_coach.ui.history.filter import HistoryFilterProxy
from tpm_coach.ui.history.filter_bar import HistoryFilterBar
from tpm_coach.ui.history.model import (
    ANSWERS,
    DATE,
    SCORE,
    SESSION,
    SKILLS,
    SUMMARY_ROLE,
    HistoryTableModel,
    make_row,
)
from tpm_coach.ui.history.report_export import ReportExporter
from tpm_coach.ui.history.session_detail import SessionDetailView
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.style import button, label
from tpm_coach.ui.widgets.empty_state import HISTORY_HINT, EmptyState
from tpm_coach.ui.widgets.message_box import ask


class HistoryView(QWidget):
    attempt_requested = Signal(int)  # the main window opens the attempt in its feedback view
    attempt_changed = Signal(int)  # an answer was re-scored here: its new score shows in Progress too
    refreshed = Signal(int)  # number of sessions loaded
    session_deleted = Signal(int)
    practice_requested = Signal()  # from the empty page's button

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.context = context = deps.context
        self.messages = messages = deps.messages
        self.workers = workers = deps.workers
        self.loads = LatestOnly(workers)
        self.loading = False

        self.model = HistoryTableModel(self)
        self.proxy = HistoryFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.answer_search = AnswerSearch(workers, context.data_paths.database, self)
        self.exporter = ReportExporter(context, messages, workers, self)
        self.detail = SessionDetailView(deps)

        self.filters = HistoryFilterBar()
        self.table = self._build_table()
        self.count_label = label("", "Muted")
        self.open_button = button("Open", "primary")
        self.export_button = button("Export report…")
        self.delete_button = button("Delete…")
        self.refresh_button = button("Refresh")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_list_page())
        self.pages.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._connect()
        self._update_buttons()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("historyTable")
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        # Fixed row heights and column modes: measuring 1,000 rows' contents would cost more than loading them.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(SESSION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SKILLS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((DATE, 130), (ANSWERS, 110), (SCORE, 60)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(column, width)
        header.setSortIndicator(DATE, Qt.SortOrder.DescendingOrder)
        table.setSortingEnabled(True)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        delete_action = QAction("Delete session", table)
        delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_action.triggered.connect(self._delete_selected)
        table.addAction(delete_action)
        return table

    def _build_list_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("PageBody")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(label("History", "PageTitle"))
        layout.addWidget(label("Every practice session; open one to replay and review its answers.", "Muted"))
        layout.addWidget(self.filters)
        self.empty = EmptyState("No sessions yet", HISTORY_HINT, "Go to Practice")
        self.empty.go_clicked.connect(self.practice_requested)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for widget in (self.refresh_button, self.delete_button, self.export_button, self.open_button):
            buttons.addWidget(widget)
        layout.addLayout(buttons)
        return page

    def _connect(self) -> None:
        self.filters.changed.connect(self._apply_filters)
        self.answer_search.matched.connect(self._answers_matched)
        self.table.activated.connect(self._open_index)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.open_button.clicked.connect(lambda: self._open_index(self.table.currentIndex()))
        self.export_button.clicked.connect(self._export_selected)
        self.delete_button.clicked.connect(self._delete_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.detail.back_requested.connect(self.show_list)
        self.detail.attempt_requested.connect(self.attempt_requested)
        self.detail.delete_requested.connect(self.delete_session)
        self.detail.export_requested.connect(self.export_session)
        self.detail.attempt_rescored.connect(self._attempt_rescored)
        self.detail.renamed.connect(lambda _id: self.refresh())

    # -- loading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload every session summary (one query, in a worker); the table keeps its filters."""
        self.loading = True
        self.count_label.setText("Loading sessions…")
        self.loads.start(load_summaries, self.context.data_paths.database, done=self._loaded, failed=self._failed)

    def _loaded(self, summaries: list[SessionSummary]) -> None:
        self.loading = False
        names: dict[str, str] = {}
        skills: dict[str, str] = {}  # competency id -> name
        for loaded in self.context.banks.banks.values():
            names[loaded.bank.id] = loaded.bank.name
            for competency in loaded.bank.competencies:
                skills.setdefault(competency.id, competency.name)
        rows = [make_row(s, names, skills) for s in summaries]
        used = sorted({c for s in summaries for c in s.competency_ids}, key=lambda c: (skills.get(c) or c).lower())
        self.filters.set_skills([(c, skills.get(c) or c) for c in used])
        if rows:
            self.filters.set_date_span(min(r.day for r in rows), max(r.day for r in rows))
        self.model.set_rows(rows)
        self._apply_filters()
        self.answer_search.search(self.filters.filters().text, again=True)
        self._reload_open_session()
        self.refreshed.emit(len(rows))

    def _reload_open_session(self) -> None:
        """After a refresh the open session shows its new scores, or the list shows if it was deleted."""
        shown = self.detail.summary
        if self.pages.currentWidget() is not self.detail or shown is None:
            return
        current = next((r.summary for r in self.model.rows if r.summary.id == shown.id), None)
        if current is None:
            self.show_list()
        else:
            self.detail.show_session(current, keep_answer=True)

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.count_label.setText("The history could not be loaded.")
        text = exc if isinstance(exc, KnownError) else f"Could not load the history: {exc}"
        self.messages.error(text, "Try again", self.refresh)

    def _answers_matched(self, text: str, session_ids: set[int]) -> None:
        self.proxy.set_answer_matches(text, session_ids)
        self._show_count()

    def _apply_filters(self) -> None:
        f = self.filters.filters()
        self.proxy.set_filters(f.text, f.skill, f.first, f.last)
        self.answer_search.search(f.text)
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.empty.setVisible(total == 0)
        self.table.setVisible(total > 0)
        if total == 0:
            self.count_label.setText("No sessions yet")
        elif shown == total:
            self.count_label.setText(f"{total:,} sessions")
        else:
            self.count_label.setText(f"{shown:,} of {total:,} sessions match")
        self._update_buttons()

    def _attempt_rescored(self, attempt_id: int) -> None:
        # The session's mean and the open answer both changed; the refresh reloads them in place.
        self.refresh()
        self.attempt_changed.emit(attempt_id)

    def shutdown(self) -> None:
        """The main window is closing: silence any answer being played, drop late re-score outcomes."""
        self.detail.player.stop()
        self.detail.runner.close()
        self.answer_search.stop()

    def confirm_close(self) -> bool:
        return True

    # -- opening -----------------------------------------------------------------------------------
    def selected_summary(self) -> SessionSummary | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        summary = index.data(SUMMARY_ROLE)
        return summary if isinstance(summary, SessionSummary) else None

    def open_session(self, session_id: int) -> bool:
        for row in self.model.rows:
            if row.summary.id == session_id:
                self.detail.show_session(row.summary)
                self.pages.setCurrentWidget(self.detail)
                return True
        return False

    def show_list(self) -> None:
        self.pages.setCurrentIndex(0)
        self.table.setFocus()

    def _open_index(self, index: QModelIndex) -> None:
        summary = index.data(SUMMARY_ROLE) if index.isValid() else None
        if isinstance(summary, SessionSummary):
            self.open_session(summary.id)

    # -- export and delete -------------------------------------------------------------------------
    def export_session(self, session_id: int) -> None:
        self.exporter.choose_and_export(session_id)

    def delete_session(self, session_id: int) -> bool:
        """Ask, then delete the session's rows and audio files. Returns True when it was deleted."""
        answer = ask(
            self,
            "Delete session",
            "Delete this session with its answers, scores and recordings? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            failed = delete_session(self.context.sessions, self.context.data_paths, session_id)
        except KnownError as exc:
            self.messages.error(exc)
            return False
        self.model.remove_session(session_id)
        self._apply_filters()
        if self.detail.summary is not None and self.detail.summary.id == session_id:
            self.show_list()
        if failed:
            self.messages.warning("The session was deleted, but some recordings could not be: " + "; ".join(failed))
        else:
            self.messages.info("Deleted the session and its recordings.")
        self.session_deleted.emit(session_id)
        return True

    def _export_selected(self) -> None:
        summary = self.selected_summary()
        if summary is not None:
            self.export_session(summary.id)

    def _delete_selected(self) -> None:
        summary = self.selected_summary()
        if summary is not None:
            self.delete_session(summary.id)

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        summary = index.data(SUMMARY_ROLE) if index.isValid() else None
        if not isinstance(summary, SessionSummary):
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_session(summary.id))
        menu.addAction("Export report…", lambda: self.export_session(summary.id))
        menu.addSeparator()
        menu.addAction("Delete…", lambda: self.delete_session(summary.id))
        menu.popup(self.table.viewport().mapToGlobal(point))

    def _update_buttons(self) -> None:
        has = self.selected_summary() is not None
        for widget in (self.open_button, self.export_button, self.delete_button):
            widget.setEnabled(has)
