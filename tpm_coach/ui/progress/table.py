"""A small read-only table for the progress view (skill standings, weakest criteria)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.ui.widgets.safe_text import tooltip

Cell = str | float | int | None


class ProgressTable(QTableWidget):
    def __init__(self, headers: Sequence[str], stretch: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        # Every column fits its contents, so a skill or criterion name is never cut; the `stretch` column
        # also takes any room left over (and the table scrolls sideways when there is none).
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(56)
        header.setStretchLastSection(stretch == len(headers) - 1)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)

    def set_rows(self, rows: Sequence[Sequence[Cell]], tooltips: Sequence[str] | None = None) -> None:
        """Numbers are right-aligned and shown with one decimal; None shows as a dash."""
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(_text(value))
                if isinstance(value, int | float):
                    item.setData(Qt.ItemDataRole.UserRole, value)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if tooltips:
                    item.setToolTip(tooltip(tooltips[r]))
                self.setItem(r, c, item)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""


def _text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return display_safe(str(value))
