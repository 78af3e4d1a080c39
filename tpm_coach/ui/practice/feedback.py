"""Feedback during a session: the feedback view with what to do next (follow-up, retry, compare, next)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.practice.events import PracticeSnapshot
from tpm_coach.ui.feedback.transcript_fix import TranscriptFix
from tpm_coach.ui.feedback.view import FeedbackView
from tpm_coach.ui.style import button, label
from tpm_coach.ui.widgets.safe_text import tooltip


class FeedbackPage(QWidget):
    follow_up_clicked = Signal()
    retry_clicked = Signal()
    compare_clicked = Signal()
    next_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.position = label("", "Caption", self)
        bar.addWidget(self.position)
        bar.addStretch(1)
        self.follow_up = button("Answer the &follow-up", "", self)
        self.follow_up.clicked.connect(self.follow_up_clicked)
        bar.addWidget(self.follow_up)
        self.compare = button("&Compare attempts", "", self)
        self.compare.clicked.connect(self.compare_clicked)
        bar.addWidget(self.compare)
        self.next = button("&Next question", "primary", self, icon_name="next")
        self.next.clicked.connect(self.next_clicked)
        bar.addWidget(self.next)
        layout.addLayout(bar)
        self.view = FeedbackView(self, can_retry=True)
        self.view.retry_clicked.connect(self.retry_clicked)
        self.retry = self.view.verdict.retry  # Try again sits in the verdict, beside the score it would improve
        layout.addWidget(self.view, 1)
        self.transcript_fix: TranscriptFix | None = None

    def allow_transcript_fix(self, fix: TranscriptFix) -> None:
        """Offer correcting the transcript under the feedback; a correction re-scores and is shown at once."""
        self.transcript_fix = fix
        self._layout.addWidget(fix)

    def show_state(self, snapshot: PracticeSnapshot) -> None:
        assert snapshot.record is not None
        number, total = snapshot.position
        self.position.setText(f"FEEDBACK · QUESTION {number} OF {total}")
        self.view.show_record(snapshot.record)
        if self.transcript_fix is not None:
            self.transcript_fix.set_attempt(snapshot.record)
        follow_up = snapshot.follow_up
        self.follow_up.setVisible(follow_up is not None)
        self.follow_up.setToolTip(tooltip(follow_up or ""))
        self.compare.setVisible(len(snapshot.comparable) > 1)
        self.next.setText("Finish &session" if snapshot.is_last_question else "&Next question")
        self.next.setFocus()
