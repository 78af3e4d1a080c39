"""The skills x stories heatmap: a dot where a story shows a skill, coloured by how well it scored when told."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from tpm_coach.stories.coverage import Cell, Coverage

_UNUSED = QColor("#e3ecf7")  # shows the skill, never told for it yet
_WEAK, _STRONG = QColor("#f6d2c4"), QColor("#b9e2c3")


class CoverageHeatmap(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyHeatmap")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setAccessibleName("Skills by stories")
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.coverage: Coverage | None = None

    def show_coverage(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.clear()
        self.setRowCount(len(coverage.skills))
        self.setColumnCount(len(coverage.stories))
        self.setVerticalHeaderLabels([name for _, name in coverage.skills])
        self.setHorizontalHeaderLabels([s.title for s in coverage.stories])
        for row, (skill_id, _name) in enumerate(coverage.skills):
            for column, story in enumerate(coverage.stories):
                self.setItem(row, column, _item(coverage.cell(skill_id, story.id)))

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""


def _item(cell: Cell) -> QTableWidgetItem:
    if not cell.covers and not cell.uses:
        return QTableWidgetItem("")
    text = "●" if cell.covers else "○"
    tip = "shows this skill" if cell.covers else "told for this skill, though not listed for it"
    if cell.uses:
        text += f" {cell.uses}×"
        tip += f"; told {cell.uses} time(s)"
    if cell.strength is not None:
        text += f" {cell.strength:.0%}"
        tip += f", scoring {cell.strength:.0%} of the scale on average"
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setToolTip(tip)
    item.setBackground(QBrush(_colour(cell)))
    return item


def _colour(cell: Cell) -> QColor:
    if cell.strength is None:
        return _UNUSED
    t = max(0.0, min(1.0, cell.strength))
    weak = (_WEAK.red(), _WEAK.green(), _WEAK.blue())
    strong = (_STRONG.red(), _STRONG.green(), _STRONG.blue())
    red, green, blue = (round(a + (b - a) * t) for a, b in zip(weak, strong, strict=True))
    return QColor(red, green, blue)
