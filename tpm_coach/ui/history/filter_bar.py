"""The row of controls above the history table: search text, skill and date range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.ui.widgets.plain_label import PlainLabel


@dataclass(frozen=True)
class HistoryFilters:
    text: str = ""
    skill: str | None = None
    first: date | None = None
    last: date | None = None


class HistoryFilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search titles, questions, transcripts, skills, dates or #id")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("historySearch")
        self.skill = QComboBox()
        self.skill.setObjectName("historySkill")
        self.skill.addItem("All skills", None)
        self.use_dates = QCheckBox("Between")
        self.first = QDateEdit()
        self.last = QDateEdit()
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = QDate.currentDate()
        self.first.setDate(today.addMonths(-1))
        self.last.setDate(today)
        for edit in (self.first, self.last):
            edit.setEnabled(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.skill, 2)
        layout.addWidget(self.use_dates)
        layout.addWidget(self.first)
        layout.addWidget(PlainLabel("and"))
        layout.addWidget(self.last)

        self.search.textChanged.connect(self.changed)
        self.skill.currentIndexChanged.connect(self.changed)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.first.dateChanged.connect(self.changed)
        self.last.dateChanged.connect(self.changed)

    def set_skills(self, skills: Sequence[tuple[str, str]]) -> None:
        """(competency id, name) pairs; the current choice is kept when it is still offered."""
        current = self.skill.currentData()
        self.skill.blockSignals(True)
        self.skill.clear()
        self.skill.addItem("All skills", None)
        for skill_id, name in skills:
            self.skill.addItem(display_safe(name), skill_id)
        index = self.skill.findData(current)
        self.skill.setCurrentIndex(max(index, 0))
        self.skill.blockSignals(False)
        if index < 0 and current is not None:
            self.changed.emit()

    def set_date_span(self, first: date, last: date) -> None:
        """Start the date pickers on the span the sessions cover (only while the range is off)."""
        if self.use_dates.isChecked():
            return
        for edit, day in ((self.first, first), (self.last, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def set_date_range(self, first: date | None, last: date | None) -> None:
        if first is not None:
            self.first.setDate(QDate(first.year, first.month, first.day))
        if last is not None:
            self.last.setDate(QDate(last.year, last.month, last.day))
        self.use_dates.setChecked(first is not None or last is not None)

    def filters(self) -> HistoryFilters:
        first: date | None = None
        last: date | None = None
        if self.use_dates.isChecked():
            first = _day(self.first.date())
            last = _day(self.last.date())
        return HistoryFilters(self.search.text().strip(), self.skill.currentData(), first, last)

    def _dates_toggled(self, on: bool) -> None:
        self.first.setEnabled(on)
        self.last.setEnabled(on)
        self.changed.emit()


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
