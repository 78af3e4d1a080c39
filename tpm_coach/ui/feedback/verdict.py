"""The verdict at the top of the feedback: the strongest point and the one fix that raises the score most, each
with the candidate's own words, and Try again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.scoring.verdict import Verdict, VerdictPoint
from tpm_coach.ui.style import button, label


def _point_html(point: VerdictPoint, scale_max: int, said_for_none: str) -> str:
    said = (
        f"You said: <i>“{escape_html(point.quote)}”</i>"
        if point.quote
        else f'<span style="color:#6b7280;">{escape_html(said_for_none)}</span>'
    )
    return (
        f"<b>{escape_html(point.criterion_name)}</b> ({point.score} / {scale_max}). {said}"
        f"<br>{escape_html(point.advice)}"
    )


class VerdictBlock(QWidget):
    """Its points show once an answer has a score; `retry_clicked` is offered only where a retry can happen."""

    retry_clicked = Signal()

    def __init__(self, parent: QWidget | None = None, *, can_retry: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBlock")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.strongest_title = label("Strongest", "ChipGood", self)
        self.strongest = self._text()
        self.fix_title = label("Fix first", "ChipWarn", self)
        self.fix = self._text()
        grid.addWidget(self.strongest_title, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.strongest, 0, 1)
        grid.addWidget(self.fix_title, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.fix, 1, 1)
        grid.setColumnStretch(1, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.retry = button("&Try again", "primary", self, icon_name="retry")
        self.retry.setToolTip("Answer the same question again, then compare the attempts")
        self.retry.clicked.connect(self.retry_clicked)
        self.retry.setVisible(can_retry)
        self._can_retry = can_retry
        row.addWidget(self.retry)
        grid.addLayout(row, 2, 0, 1, 2)
        self.verdict: Verdict | None = None

    def _text(self) -> QLabel:
        text = label("", "", self, wrap=True)
        text.setTextFormat(Qt.TextFormat.RichText)  # quotes are the candidate's words, escaped
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return text

    def show_verdict(self, verdict: Verdict | None) -> None:
        self.verdict = verdict
        shown = verdict is not None and verdict.strongest is not None
        for widget in (self.strongest_title, self.strongest, self.fix_title, self.fix):
            widget.setVisible(shown)
        # Try again stays reachable for an answer that has no score yet.
        self.setVisible(shown or self._can_retry)
        if verdict is None or verdict.strongest is None:
            return
        self.strongest.setText(_point_html(verdict.strongest, verdict.scale_max, "No single quote stood out."))
        self.strongest.setAccessibleName(f"Strongest: {verdict.strongest.criterion_name}")
        fix = verdict.fix
        for widget in (self.fix_title, self.fix):
            widget.setVisible(fix is not None)
        if fix is not None:
            gain = f" One step up here adds {verdict.gain:.1f} to the overall score."
            point = VerdictPoint(
                fix.criterion_id,
                fix.criterion_name,
                fix.score,
                fix.quote,
                f"A {fix.score + 1} sounds like: {fix.advice}{gain}",
            )
            self.fix.setText(_point_html(point, verdict.scale_max, "Your answer said nothing for this yet."))
            self.fix.setAccessibleName(f"Fix first: {fix.criterion_name}")
