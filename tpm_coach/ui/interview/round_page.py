"""One round as the candidate sees it: the clock, the question being asked (spoken aloud, stoppable), and the
answer, spoken or typed and correctable after Stop. No score is shown until the debrief."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.interview.clock import ClockState, format_clock
from tpm_coach.ui.style import button, card, label, repolish


class RoundPage(QWidget):
    record_clicked = Signal()
    submit_clicked = Signal(str)
    stop_speaking_clicked = Signal()
    read_again_clicked = Signal()
    end_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)
        top = QHBoxLayout()
        self.round_title = label("", "Caption", self)
        top.addWidget(self.round_title, 1)
        self.clock = label("00:00", "InterviewClock", self)
        self.clock.setAccessibleName("Time left in this round")
        top.addWidget(self.clock)
        self.end = button("End interview", "link", self)
        self.end.clicked.connect(self.end_clicked)
        top.addWidget(self.end)
        outer.addLayout(top)
        self.warning = label("", "Warning", self, wrap=True)
        outer.addWidget(self.warning)

        question_card, question = card(self, margins=22)
        self.kind = label("", "Caption", question_card)
        question.addWidget(self.kind)
        self.question = label("", "QuestionText", question_card, wrap=True)
        question.addWidget(self.question)
        speech = QHBoxLayout()
        self.speaking = label("", "Muted", question_card)
        self.speaking.setAccessibleName("Interviewer speaking")
        speech.addWidget(self.speaking, 1)
        self.stop_speaking = button("Stop", "", question_card, icon_name="stop")
        self.stop_speaking.clicked.connect(self.stop_speaking_clicked)
        speech.addWidget(self.stop_speaking)
        self.read_again = button("Read again", "link", question_card, icon_name="speaker")
        self.read_again.clicked.connect(self.read_again_clicked)
        speech.addWidget(self.read_again)
        question.addLayout(speech)
        outer.addWidget(question_card)

        outer.addWidget(self._build_answer(), 1)
        self.set_speaking(False)

    def _build_answer(self) -> QWidget:
        answer_card, answer = card(self, margins=20)
        controls = QHBoxLayout()
        self.record = button("Answer aloud", "primary", answer_card, icon_name="record")
        self.record.clicked.connect(self.record_clicked)
        controls.addWidget(self.record)
        self.status = label("", "Muted", answer_card, wrap=True)
        controls.addWidget(self.status, 1)
        answer.addLayout(controls)
        self.answer = QPlainTextEdit(answer_card)
        self.answer.setObjectName("InterviewAnswer")
        self.answer.setAccessibleName("Your answer")
        self.answer.setPlaceholderText("Answer aloud, or type your answer here.")
        self.answer.setMinimumHeight(140)
        answer.addWidget(self.answer, 1)
        self.submit = button("Submit answer", "", answer_card, icon_name="next")
        self.submit.clicked.connect(lambda: self.submit_clicked.emit(self.answer.toPlainText()))
        answer.addWidget(self.submit)
        return answer_card

    def show_turn(self, round_title: str, follow_up: bool, text: str) -> None:
        self.round_title.setText(display_safe(round_title))
        self.kind.setText("Follow-up" if follow_up else "Question")
        self.question.setText(display_safe(text))
        self.answer.clear()
        self.answer.setReadOnly(False)
        self.status.setText("")
        self.set_recording(False)

    def set_speaking(self, speaking: bool) -> None:
        self.speaking.setText("The interviewer is speaking…" if speaking else "")
        self.stop_speaking.setVisible(speaking)
        self.read_again.setVisible(not speaking)

    def set_recording(self, recording: bool) -> None:
        self.record.setText("Stop" if recording else "Answer aloud")
        self.answer.setReadOnly(recording)
        self.submit.setEnabled(not recording)

    def set_busy(self, text: str) -> None:
        """Work under way (the microphone opening, the transcript finishing, the answer being noted)."""
        busy = bool(text)
        self.status.setText(text)
        self.record.setEnabled(not busy)
        self.submit.setEnabled(not busy)

    def set_clock(self, remaining_s: float, state: ClockState) -> None:
        self.clock.setText(format_clock(remaining_s))
        self.clock.setProperty("state", state.value)
        repolish(self.clock)
        if state is ClockState.WARNING:
            self.warning.setText(f"About {max(1, round(remaining_s / 60))} minutes left in this round.")
        elif state is ClockState.OVER:
            self.warning.setText("Time is up for this round: finish this answer and the interviewer moves on.")
        else:
            self.warning.setText("")
