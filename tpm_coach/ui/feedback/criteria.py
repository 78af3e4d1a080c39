"""One card per rubric criterion: the score given, the rubric's anchor text for it, the rationale. A card opens
and closes on its title, so the verdict above stays the first thing read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

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
        dot = label(f'<span style="color:{marker}; font-size:14px;">●</span>', "", self)
        dot.setTextFormat(Qt.TextFormat.RichText)  # the app's own colour; a widget style sheet costs a restyle
        dot.setToolTip("Evidence for this criterion is highlighted in this colour in the transcript")
        header.addWidget(dot)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("criterionToggle")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleName(f"Show or hide the reasons for {name}")
        self.toggle.toggled.connect(self.set_open)
        header.insertWidget(0, self.toggle)
        title = label(name, "SectionTitle", self)
        header.addWidget(title, 1)
        weight = definition.weight if definition else 1.0
        if weight != 1.0:
            header.addWidget(label(f"weight {weight:g}", "Chip", self))
        self.score_label = label(f"{score.score} / {rubric.scale.max}", "ScoreSmall", self)
        self.score_label.setAccessibleName(f"{name}: {score.score} out of {rubric.scale.max}")
        header.addWidget(self.score_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(header)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        layout.addWidget(self.body)
        anchor = rubric.anchor_for(score.id, score.score) if definition is not None else ""
        # The offline scorer's rationale already ends with the closest anchor: the rubric text is shown once.
        self.anchor: QLabel | None = None
        if anchor and anchor not in score.rationale:
            self.anchor = label(anchor, "Anchor", self.body, wrap=True)
            self.anchor.setToolTip(f"What a {score.score} sounds like, from the rubric")
            body.addWidget(self.anchor)
        if score.rationale:
            body.addWidget(label(score.rationale, "", self.body, wrap=True))
        if score.flagged:
            body.addWidget(
                label("Some quotes the scorer gave were not found in your answer.", "ChipWarn", self.body, wrap=True)
            )
        self.set_open(False)

    def set_open(self, is_open: bool) -> None:
        self.body.setVisible(is_open)
        self.toggle.blockSignals(True)
        self.toggle.setChecked(is_open)
        self.toggle.blockSignals(False)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if is_open else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip("Hide the reasons" if is_open else "Show the rubric and the reasons for this score")


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
