"""While an answer is judged: how much of the judge's reply has arrived, each criterion's provisional score as
soon as the judge has written it, and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from tpm_coach.domain import Competency
from tpm_coach.scoring.partial import CriterionProgress, ScoringProgress
from tpm_coach.ui.style import button, label, repolish

WAITING = "Judging your answer against the rubric…"


class JudgingPanel(QWidget):
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.status = label(WAITING, "Muted", self, wrap=True)
        self.status.setAccessibleName("Judging progress")
        top.addWidget(self.status, 1)
        self.cancel = button("Cancel", "", self)
        self.cancel.setToolTip("Stop judging this answer; it is kept and can be scored again")
        self.cancel.clicked.connect(self._cancel)
        top.addWidget(self.cancel)
        layout.addLayout(top)
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setSpacing(2)
        layout.addLayout(self._rows_layout)
        self.rows: dict[str, QLabel] = {}
        self._names: dict[str, str] = {}

    def start(self, competency: Competency | None) -> None:
        """A new scoring: every criterion of the rubric waits for its score."""
        for row in self.rows.values():
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        self.rows, self._names = {}, {}
        for criterion in competency.rubric.criteria if competency is not None else ():
            self._names[criterion.id] = criterion.name
            self.rows[criterion.id] = row = label("", "Muted", self, wrap=True)
            self._rows_layout.addWidget(row)
        self.show_progress(ScoringProgress(0))
        self.status.setText(WAITING)
        self.cancel.setEnabled(True)
        self.cancel.setText("Cancel")

    def show_progress(self, progress: ScoringProgress) -> None:
        if progress.tokens:
            self.status.setText(f"Judging… {progress.tokens} tokens")
        else:  # a local model reads the whole prompt before it writes anything
            self.status.setText("Judging… reading your answer")
        done = {c.id: c for c in progress.criteria_done}
        for criterion_id, row in self.rows.items():
            row.setText(_row_text(self._names[criterion_id], done.get(criterion_id)))
            style = "" if criterion_id in done else "Muted"
            if row.objectName() != style:
                row.setObjectName(style)
                repolish(row)

    def provisional(self) -> dict[str, str]:
        """What each criterion's row says now."""
        return {criterion_id: row.text() for criterion_id, row in self.rows.items()}

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.cancel.setText("Cancelling…")
        self.cancel_clicked.emit()


def _row_text(name: str, criterion: CriterionProgress | None) -> str:
    if criterion is None:
        return f"{name}: …"
    if criterion.sentences:
        plural = "s" if len(criterion.sentences) > 1 else ""
        cited = f"sentence{plural} {', '.join(str(n) for n in criterion.sentences)}"
    else:
        cited = "cites no sentence"
    return f"{name}: {criterion.score} (provisional) · {cited}"
