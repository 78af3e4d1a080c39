"""Filtering and sorting of the history table: free text, one skill, and a date range."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from tpm_coach.ui.history.model import SORT_ROLE, HistoryTableModel


class HistoryFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)  # rows change only on refresh or delete; re-sorting per edit is waste
        self._words: list[str] = []
        self._skill: str | None = None
        self._first: date | None = None
        self._last: date | None = None
        self._answer_words: list[str] = []
        self._answer_matches: frozenset[int] = frozenset()

    def set_filters(
        self, text: str = "", skill: str | None = None, first: date | None = None, last: date | None = None
    ) -> None:
        """All words of `text` must appear; `skill` is a competency id; the date range is inclusive."""
        words = text.lower().split()
        if (words, skill, first, last) == (self._words, self._skill, self._first, self._last):
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateRowsFilter is deprecated there
            self.beginFilterChange()
            self._words, self._skill, self._first, self._last = words, skill, first, last
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._words, self._skill, self._first, self._last = words, skill, first, last
            self.invalidateRowsFilter()

    def set_answer_matches(self, text: str, session_ids: set[int]) -> None:
        """Sessions whose questions or transcripts hold `text`; they pass the text filter while it reads `text`."""
        self._answer_words, self._answer_matches = text.lower().split(), frozenset(session_ids)
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, HistoryTableModel)
        row = model.rows[source_row]
        if self._skill is not None and self._skill not in row.skill_ids:
            return False
        if self._first is not None and row.day < self._first:
            return False
        if self._last is not None and row.day > self._last:
            return False
        if self._words and self._words == self._answer_words and row.summary.id in self._answer_matches:
            return True
        return all(word in row.search for word in self._words)
