"""What a candidate changes from one session to the next, on the setup page: thinking time, the time limit and
reading questions aloud. The last choice is remembered as the next session's starting point."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QSpinBox, QWidget

from tpm_coach.config import PracticeSettings

# The same bounds as PracticeSettings, so a value that cannot be saved cannot be typed either.
THINKING_RANGE = (0, 300)
TIME_LIMIT_RANGE = (15, 1800)


class SessionSettings(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.thinking = QSpinBox(self)
        self.thinking.setRange(*THINKING_RANGE)
        self.thinking.setSingleStep(5)
        self.thinking.setSuffix(" s to think")
        self.thinking.setSpecialValueText("No thinking time")
        self.thinking.setAccessibleName("Thinking time before recording")
        self.thinking.setToolTip("Seconds to gather your thoughts before the recording starts")
        row.addWidget(self.thinking)
        self.time_limit = QSpinBox(self)
        self.time_limit.setRange(*TIME_LIMIT_RANGE)
        self.time_limit.setSingleStep(15)
        self.time_limit.setSuffix(" s per answer")
        self.time_limit.setAccessibleName("Time limit per answer")
        self.time_limit.setToolTip("Used when a question sets no limit of its own")
        row.addWidget(self.time_limit)
        self.read_aloud = QCheckBox("Read questions aloud", self)
        row.addWidget(self.read_aloud)
        row.addStretch(1)

    def load(self, practice: PracticeSettings) -> None:
        self.thinking.setValue(practice.thinking_seconds)
        self.time_limit.setValue(practice.default_time_limit_s)
        self.read_aloud.setChecked(practice.read_aloud)

    def values(self, current: PracticeSettings) -> PracticeSettings:
        return current.model_copy(
            update={
                "thinking_seconds": self.thinking.value(),
                "default_time_limit_s": self.time_limit.value(),
                "read_aloud": self.read_aloud.isChecked(),
            }
        )
