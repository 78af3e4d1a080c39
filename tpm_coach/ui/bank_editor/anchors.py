"""The anchors of one rubric criterion: a row per score of the scale, saying what an answer there sounds like."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

SCORE, TEXT = 0, 1


class AnchorTable(QTableWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("anchorTable")
        self.setHorizontalHeaderLabels(["Score", "What an answer at this score sounds like"])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(SCORE, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumHeight(190)
        self._low, self._high = 1, 5
        self._anchors: dict[int, str] = {}
        self._read_only = False
        self._filling = False
        self.itemChanged.connect(self._item_changed)

    def set_scale(self, low: int, high: int) -> None:
        if (low, high) != (self._low, self._high):
            self._low, self._high = low, high
            self._fill()

    def set_anchors(self, anchors: Mapping[int | str, str]) -> None:
        self._anchors = {}
        for key, text in anchors.items():
            try:
                self._anchors[int(key)] = str(text)
            except ValueError:
                continue  # a key that is not a score cannot be shown in a score row
        self._fill()

    def anchors(self) -> dict[str, str]:
        """Non-empty anchors keyed like the saved file (scores as strings)."""
        return {str(score): text for score, text in sorted(self._anchors.items()) if text.strip()}

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if read_only else QAbstractItemView.EditTrigger.AllEditTriggers
        )

    def _required(self) -> set[int]:
        return {self._low, (self._low + self._high) // 2, self._high}

    def _fill(self) -> None:
        self._filling = True
        try:
            scores = sorted(set(range(self._low, self._high + 1)) | set(self._anchors))
            required = self._required()
            self.setRowCount(len(scores))
            for row, score in enumerate(scores):
                label = str(score)
                tip = ""
                if score in required:
                    label += " *"
                    tip = "Required: the low, middle and top of the scale need an anchor."
                if not self._low <= score <= self._high:
                    label += " !"
                    tip = "Outside the scale: clear this text or widen the scale."
                head = QTableWidgetItem(label)
                head.setFlags(Qt.ItemFlag.ItemIsEnabled)
                head.setData(Qt.ItemDataRole.UserRole, score)
                head.setToolTip(tip)
                if "!" in label:
                    head.setForeground(QColor("#b91c1c"))
                self.setItem(row, SCORE, head)
                self.setItem(row, TEXT, QTableWidgetItem(self._anchors.get(score, "")))
            self.resizeRowsToContents()
        finally:
            self._filling = False

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != TEXT:
            return
        head = self.item(item.row(), SCORE)
        if head is None:
            return
        self._anchors[int(head.data(Qt.ItemDataRole.UserRole))] = item.text()
        self.edited.emit()

    def set_text(self, score: int, text: str) -> None:
        """Type an anchor (as a user would in the cell)."""
        for row in range(self.rowCount()):
            head = self.item(row, SCORE)
            if head is not None and head.data(Qt.ItemDataRole.UserRole) == score:
                cell = self.item(row, TEXT)
                if cell is not None:
                    cell.setText(text)
                return
        raise KeyError(score)
