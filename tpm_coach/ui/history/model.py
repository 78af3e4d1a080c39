"""The history table: one row per past session, built from SessionRepository.list_summaries()."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from tpm_coach.display_text import display_safe
from tpm_coach.storage import SessionSummary
from tpm_coach.ui.widgets.safe_text import tooltip

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Date", "Session", "Skills", "Answers", "Score")
DATE, SESSION, SKILLS, ANSWERS, SCORE = range(len(COLUMNS))

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class HistoryRow:
    """A session with everything the table shows, computed once when the rows are set."""

    summary: SessionSummary
    day: date  # local date the session started
    texts: tuple[str, str, str, str, str]
    sort_keys: tuple[str, str, str, int, float]
    skill_ids: frozenset[str]
    search: str  # lower-case text the search box matches


def make_row(summary: SessionSummary, bank_names: Mapping[str, str], skill_names: Mapping[str, str]) -> HistoryRow:
    started = datetime.fromisoformat(summary.started_at).astimezone()
    when = started.strftime("%Y-%m-%d %H:%M")
    banks = display_safe(", ".join(bank_names.get(b, b) for b in summary.bank_ids))
    title = display_safe(summary.title) or banks or f"Session {summary.id}"
    skills = display_safe(", ".join(skill_names.get(c, c) for c in summary.competency_ids))
    answers = str(summary.attempt_count)
    if summary.scored_count != summary.attempt_count:
        answers += f" ({summary.scored_count} scored)"
    score = "—" if summary.overall is None else f"{summary.overall:.1f}"
    return HistoryRow(
        summary=summary,
        day=started.date(),
        texts=(when, title, skills, answers, score),
        sort_keys=(summary.started_at, title.lower(), skills.lower(), summary.attempt_count, summary.overall or -1.0),
        skill_ids=frozenset(summary.competency_ids),
        search=" ".join((f"#{summary.id}", when, title, banks, skills)).lower(),
    )


class HistoryTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[HistoryRow] = []

    def set_rows(self, rows: Sequence[HistoryRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def remove_session(self, session_id: int) -> None:
        for i, row in enumerate(self.rows):
            if row.summary.id == session_id:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self.rows[i]
                self.endRemoveRows()
                return

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.texts[column]
        if role == SORT_ROLE:
            return row.sort_keys[column]
        if role == SUMMARY_ROLE:
            return row.summary
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ANSWERS, SCORE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (SESSION, SKILLS):
            return tooltip(row.texts[column])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None
