"""One card per rubric criterion: the score given, the rubric's anchor text for it, the rationale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.domain import Competency, CriterionScore
from tpm_coach.ui.feedback.transcript import criterion_colour
from tpm_coach.ui.style import card, label


class CriterionCard(QFrame):
    def __init__(self, index: int, competency: Competency, score: CriterionScore, parent: QWidget | None = None):
        super().__init__(parent)
        rubric = competency.rubric
        definition = next((c for c in rubric.criteria if c.id == score.id), None)
        name = definition.name if definition else score.id
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        header = QHBoxLayout()
        header.setSpacing(8)
        _, marker = criterion_colour(index)
        dot = label("●", "", self)
        dot.setStyleSheet(f"color: {marker}; font-size: 14px;")
        dot.setToolTip("Evidence for this criterion is highlighted in this colour in the transcript")
        header.addWidget(dot)
        title = label(name, "SectionTitle", self)
        header.addWidget(title, 1)
        weight = definition.weight if definition else 1.0
        if weight != 1.0:
            header.addWidget(label(f"weight {weight:g}", "Chip", self))
        self.score_label = label(f"{score.score} / {rubric.scale.max}", "ScoreSmall", self)
        self.score_label.setAccessibleName(f"{name}: {score.score} out of {rubric.scale.max}")
        header.addWidget(self.score_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(header)
        if definition is not None:
            self.anchor = label(rubric.anchor_for(score.id, score.score), "Anchor", self, wrap=True)
            self.anchor.setToolTip(f"What a {score.score} sounds like, from the rubric")
            layout.addWidget(self.anchor)
        if score.rationale:
            layout.addWidget(label(score.rationale, "", self, wrap=True))
        if score.flagged:
            layout.addWidget(
                label("Some quotes the scorer gave were not found in your answer.", "ChipWarn", self, wrap=True)
            )


class CriteriaList(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.cards: list[CriterionCard] = []

    def show_scores(self, competency: Competency, scores: list[CriterionScore]) -> None:
        for old in self.cards:
            old.deleteLater()
        self.cards = []
        order = {c.id: i for i, c in enumerate(competency.rubric.criteria)}
        for score in sorted(scores, key=lambda s: order.get(s.id, 99)):
            widget = CriterionCard(order.get(score.id, len(self.cards)), competency, score, self)
            self._layout.addWidget(widget)
            self.cards.append(widget)


def empty_card(text: str, parent: QWidget | None = None) -> QFrame:
    frame, layout = card(parent)
    layout.addWidget(label(text, "Muted", frame, wrap=True))
    return frame
