"""The summary's list of every answer in the session, each opening its feedback, and "Practise this next"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QPushButton, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.practice import SessionReport
from tpm_coach.ui.style import button, label


class SessionAnswersCard(QFrame):
    attempt_clicked = Signal(int)  # attempt id: open its feedback
    practise_clicked = Signal(str)  # competency id: start a session on that skill

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(8)
        layout.addWidget(label("Every answer", "SectionTitle", self))
        self.host = QWidget(self)
        self.grid = QGridLayout(self.host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(14)
        layout.addWidget(self.host)
        self.practise = button("Practise this next", "primary", self)
        self.practise.setVisible(False)
        self.practise.clicked.connect(self._practise)
        layout.addWidget(self.practise)
        self.links: list[QPushButton] = []
        self._next_skill = ""

    def show_report(self, report: SessionReport) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.links = []
        for row, answer in enumerate(report.answers):
            question = label(f"{row + 1}. {display_safe(answer.question)}", "", self.host, wrap=True)
            self.grid.addWidget(question, row, 0)
            self.grid.addWidget(label(display_safe(answer.competency_name), "Muted", self.host), row, 1)
            self.grid.addWidget(label(answer.score, "ScoreSmall", self.host), row, 2)
            link = button("Feedback", "", self.host)
            link.setAccessibleName(f"Open the feedback for answer {row + 1}")
            link.clicked.connect(lambda _checked=False, attempt=answer.attempt_id: self.attempt_clicked.emit(attempt))
            self.grid.addWidget(link, row, 3)
            self.links.append(link)
        self.grid.setColumnStretch(0, 1)
        weakest = report.practise_next
        self._next_skill = weakest.competency_id if weakest is not None else ""
        self.practise.setVisible(weakest is not None)
        if weakest is not None:
            self.practise.setText(f"Practise this next: {display_safe(weakest.name)}")
            self.practise.setToolTip(f"Your lowest skill this session ({weakest.session_mean:.1f} / 5)")

    def _practise(self) -> None:
        if self._next_skill:
            self.practise_clicked.emit(self._next_skill)
