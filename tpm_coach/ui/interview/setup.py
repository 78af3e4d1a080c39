"""Choosing an interview: format, level and (for a screen or an onsite) the skills."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.domain import Competency
from tpm_coach.interview.formats import MAX_ONSITE_SKILLS, SCREEN_QUESTIONS, InterviewFormat, InterviewLevel
from tpm_coach.ui.style import button, card, label

_FORMATS = {
    InterviewFormat.SCREEN: "Phone screen (30 minutes)",
    InterviewFormat.ONSITE: "Onsite round (45 minutes, one or two skills)",
    InterviewFormat.LOOP: "Full loop (45-minute rounds covering every skill)",
}


class InterviewSetup(QWidget):
    start_requested = Signal(str, str, list)  # format, level, skill ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(label("Mock interview", "PageTitle", self))
        outer.addWidget(
            label(
                "The interviewer asks, probes what your answer left out, and keeps time. "
                "There is no feedback until the debrief at the end.",
                "Muted",
                self,
                wrap=True,
            )
        )
        body, layout = card(self, margins=20)
        form = QFormLayout()
        self.format = QComboBox(body)
        for value, text in _FORMATS.items():
            self.format.addItem(text, value.value)
        self.format.setCurrentIndex(1)
        self.format.setAccessibleName("Format")
        form.addRow("Format", self.format)
        self.level = QComboBox(body)
        for level in InterviewLevel:
            self.level.addItem(level.value.capitalize(), level.value)
        self.level.setCurrentIndex(1)
        self.level.setAccessibleName("Level")
        form.addRow("Level", self.level)
        self.skills = QListWidget(body)
        self.skills.setAccessibleName("Skills")
        self.skills.setMaximumHeight(170)
        form.addRow("Skills", self.skills)
        layout.addLayout(form)
        self.note = label("Reading the question banks…", "Muted", body, wrap=True)
        layout.addWidget(self.note)
        self.start = button("Start interview", "primary", body)
        layout.addWidget(self.start, 0, Qt.AlignmentFlag.AlignLeft)
        outer.addWidget(body)
        outer.addStretch(1)
        self.start.setEnabled(False)
        self.format.currentIndexChanged.connect(self._update)
        self.skills.itemChanged.connect(self._update)
        self.start.clicked.connect(self._start)

    def set_competencies(self, competencies: list[Competency]) -> None:
        self.skills.blockSignals(True)
        self.skills.clear()
        for competency in competencies:
            item = QListWidgetItem(display_safe(competency.name), self.skills)
            item.setData(Qt.ItemDataRole.UserRole, competency.id)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.skills.blockSignals(False)
        self._update()

    def chosen_skills(self) -> list[str]:
        items = (self.skills.item(i) for i in range(self.skills.count()))
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def set_busy(self, busy: bool) -> None:
        self.start.setText("Preparing the interview…" if busy else "Start interview")
        if busy:
            self.start.setEnabled(False)
        else:
            self._update()

    def _update(self) -> None:
        chosen = len(self.chosen_skills())
        fmt = InterviewFormat(self.format.currentData())
        self.skills.setEnabled(fmt is not InterviewFormat.LOOP)
        if self.skills.count() == 0:
            self.start.setEnabled(False)
            return
        if fmt is InterviewFormat.LOOP:
            self.note.setText("A loop covers every skill, one round per two skills.")
            self.start.setEnabled(True)
            return
        limit = MAX_ONSITE_SKILLS if fmt is InterviewFormat.ONSITE else SCREEN_QUESTIONS
        if chosen > limit:
            self.note.setText(f"Choose at most {limit} skills for this format.")
            self.start.setEnabled(False)
            return
        self.note.setText("No skill chosen: the interviewer picks them." if chosen == 0 else "")
        self.start.setEnabled(True)

    def _start(self) -> None:
        skills = [] if InterviewFormat(self.format.currentData()) is InterviewFormat.LOOP else self.chosen_skills()
        self.start_requested.emit(str(self.format.currentData()), str(self.level.currentData()), skills)
