"""Every score an answer was given, each named by its judge: one is picked to sit beside the current score,
and may be made the current one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tpm_coach.domain import AttemptRecord, StoredScore
from tpm_coach.reports import format_when
from tpm_coach.ui.style import button, label
from tpm_coach.ui.widgets.safe_text import tooltip

SCORE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def score_line(stored: StoredScore) -> str:
    """One kept score in a line: value, judge, date, and whether it is the one shown everywhere."""
    result = stored.result
    line = f"{result.overall:.1f} / {result.scale_max} · {result.judge_label} · {format_when(stored.created_at)}"
    return f"{line} · current" if stored.current else line


class ScoresCard(QFrame):
    """Hidden while an answer has a single score. The list picks the score shown beside the current one."""

    make_current_requested = Signal(int)  # the id of the kept score to show from now on

    def __init__(self, parent: QWidget | None = None, *, can_make_current: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.record: AttemptRecord | None = None
        self.cells: dict[tuple[str, int], str] = {}  # (row key, column) -> text, column 1 current, 2 picked
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(label("Scores for this answer", "SectionTitle", self))
        layout.addWidget(
            label(
                "Every score is kept. Pick one to see it beside the current score; History, Progress and "
                "reports use the current one.",
                "Muted",
                self,
                wrap=True,
            )
        )
        self.list = QListWidget(self)
        self.list.setObjectName("scoreList")
        self.list.setAccessibleName("Kept scores")
        self.list.currentItemChanged.connect(lambda _now, _before: self._show_picked())
        layout.addWidget(self.list)
        self._grid_box = QVBoxLayout()
        layout.addLayout(self._grid_box)
        self._grid: QWidget | None = None
        row = QHBoxLayout()
        row.addStretch(1)
        self.make_current = button("Make this the current score", "", self)
        self.make_current.setVisible(can_make_current)
        self.make_current.clicked.connect(self._make_current)
        row.addWidget(self.make_current)
        layout.addLayout(row)
        self._can_make_current = can_make_current
        self._busy = False

    def show_scores(self, record: AttemptRecord) -> None:
        self.record = record
        self.setVisible(len(record.scores) > 1)
        self.list.blockSignals(True)
        self.list.clear()
        for stored in reversed(record.scores):  # newest first
            item = QListWidgetItem(score_line(stored))
            item.setData(SCORE_ID_ROLE, stored.id)
            item.setToolTip(tooltip(" ".join(stored.result.notes)))
            self.list.addItem(item)
        self.list.blockSignals(False)
        shown_rows = min(self.list.count(), 4)  # a few rows without scrolling; more scroll
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * shown_rows + 2 * self.list.frameWidth() + 4)
        # Beside the current score goes the newest other one: after a re-score, the score it replaced.
        earlier = record.earlier_scores
        ids = [s.id for s in reversed(record.scores)]
        self.list.setCurrentRow(ids.index(earlier[0].id) if earlier else 0)
        self._show_picked()

    def set_busy(self, busy: bool) -> None:
        """While the answer is being scored again, the current score is not changed from here."""
        self._busy = busy
        self._update_button()

    def picked(self) -> StoredScore | None:
        item = self.list.currentItem()
        if item is None or self.record is None:
            return None
        score_id = item.data(SCORE_ID_ROLE)
        return next((s for s in self.record.scores if s.id == score_id), None)

    def _show_picked(self) -> None:
        if self._grid is not None:
            self._grid_box.removeWidget(self._grid)
            self._grid.hide()  # gone now, not only once the event loop deletes it
            self._grid.deleteLater()
            self._grid = None
        self.cells = {}
        self._update_button()
        record, picked = self.record, self.picked()
        if record is None or picked is None:
            return
        current = next((s for s in record.scores if s.current), None)
        columns = [s for s in (current, picked) if s is not None]
        if len(columns) == 2 and columns[0].id == columns[1].id:
            columns = columns[:1]
        self._grid = QWidget(self)
        grid = QGridLayout(self._grid)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        rubric = record.competency.rubric
        rows = [("overall", "Overall"), *((c.id, c.name) for c in rubric.criteria)]
        for r, (_, name) in enumerate(rows, start=1):
            grid.addWidget(label(name, "Muted", self._grid), r, 0)
        for col, stored in enumerate(columns, start=1):
            heading = "Current" if stored.current else "Picked"
            title = label(f"{heading}: {stored.result.judge_label}", "SectionTitle", self._grid, wrap=True)
            title.setToolTip(tooltip(format_when(stored.created_at)))
            grid.addWidget(title, 0, col)
            criteria = {c.id: c for c in stored.result.criteria}
            for r, (key, _) in enumerate(rows, start=1):
                if key == "overall":
                    text = f"{stored.result.overall:.1f} / {stored.result.scale_max}"
                    why = ""
                else:
                    found = criteria.get(key)
                    text = "—" if found is None else f"{found.score} / {stored.result.scale_max}"
                    why = "" if found is None else found.rationale
                cell = label(text, "ScoreSmall" if key == "overall" else "", self._grid)
                cell.setToolTip(tooltip(why))
                grid.addWidget(cell, r, col)
                self.cells[(key, col)] = text
        grid.setColumnStretch(len(columns) + 1, 1)
        self._grid_box.addWidget(self._grid)

    def _update_button(self) -> None:
        picked = self.picked()
        can = picked is not None and not picked.current and not self._busy
        self.make_current.setEnabled(can)
        if self._busy:
            self.make_current.setToolTip("Wait until the answer has been scored again")
        elif picked is not None and picked.current:
            self.make_current.setToolTip("This is already the current score")
        else:
            self.make_current.setToolTip("Show this score in History, Progress and reports from now on")

    def _make_current(self) -> None:
        picked = self.picked()
        if self._can_make_current and picked is not None and not picked.current and not self._busy:
            self.make_current_requested.emit(picked.id)
