"""The story drill in the window: tell one story within two minutes (typed, or a transcript pasted), then see its
score on STAR completeness, a measured result and "I" against "we"."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from tpm_coach.stories import Story
from tpm_coach.stories.drill import DRILL_SECONDS, DrillScore, score_story_drill
from tpm_coach.ui.style import button, format_duration, label


class StoryDrillDialog(QDialog):
    def __init__(self, story: Story, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Drill: {story.title}")
        self.story = story
        self.started = time.monotonic()
        self.drill: DrillScore | None = None
        self.clock = label(format_duration(DRILL_SECONDS), "ScoreBig", self)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("drillText")
        self.text.setPlaceholderText("Tell the story as you would aloud: situation, task, what you did, the result.")
        self.score_button = button("Score", "primary", self)
        self.score_button.clicked.connect(self.score)
        self.outcome = label("", "", self, wrap=True)
        self.outcome.setObjectName("drillOutcome")
        row = QHBoxLayout()
        row.addWidget(label(f"Tell “{story.title}” in two minutes.", "SectionTitle", self), 1)
        row.addWidget(self.clock)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.score_button)
        layout.addWidget(self.outcome)
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def _tick(self) -> None:
        left = DRILL_SECONDS - self.elapsed_s()
        self.clock.setText(format_duration(max(0.0, left)) if left > 0 else "time is up")

    def score(self, *, duration_s: float | None = None) -> DrillScore | None:
        """Score what is written; `duration_s` replaces the time measured since the dialog opened."""
        if not self.text.toPlainText().strip():
            self.outcome.setText("Tell the story first.")
            return None
        self.timer.stop()
        took = self.elapsed_s() if duration_s is None else duration_s
        self.drill = result = score_story_drill(self.text.toPlainText(), self.story, took)
        lines = [f"{result.score}/5 in {format_duration(took)}"]
        lines += result.advice() or ["Complete: every STAR part, a measured result and your own role."]
        self.outcome.setText("\n".join(lines))
        return result

    def done(self, code: int) -> None:
        self.timer.stop()
        super().done(code)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        super().closeEvent(event)
