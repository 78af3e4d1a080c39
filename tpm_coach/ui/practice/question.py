"""The answering page: the question, an optional countdown, recording with a live meter and transcript,
typing instead, and the progress of transcription and scoring (the judge's provisional scores, Cancel)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QProgressBar, QVBoxLayout, QWidget

from tpm_coach.display_text import display_safe
from tpm_coach.practice import Phase
from tpm_coach.practice.events import LiveReadings, PracticeSnapshot
from tpm_coach.practice.turn import TurnKind
from tpm_coach.scoring.partial import ScoringProgress
from tpm_coach.ui.practice.judging import JudgingPanel
from tpm_coach.ui.stories.suggestions import StorySuggestions
from tpm_coach.ui.style import button, card, format_duration, icon, label, repolish
from tpm_coach.ui.widgets.level_meter import LevelMeter

_BUSY_TEXT = {
    Phase.STARTING: "Opening the microphone…",
    Phase.TRANSCRIBING: "Finishing the transcript…",
    Phase.SCORING: "Your answer is saved. Scores below are provisional until the judge has finished.",
}


class QuestionPage(QWidget):
    record_clicked = Signal()
    typed_submitted = Signal(str)
    skip_clicked = Signal()
    end_clicked = Signal()
    retry_clicked = Signal()
    offline_clicked = Signal()
    read_aloud_clicked = Signal()
    cancel_scoring_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(14)
        outer.addLayout(self._build_top())
        outer.addWidget(self._build_question())
        answer_card, answer = card(self, spacing=12, margins=20)
        answer.addLayout(self._build_controls(answer_card))
        self.busy = QProgressBar(answer_card)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Working")
        answer.addWidget(self.busy)
        self.judging = JudgingPanel(answer_card)
        self.judging.cancel_clicked.connect(self.cancel_scoring_clicked)
        answer.addWidget(self.judging)
        self.live = QPlainTextEdit(answer_card)
        self.live.setObjectName("LiveTranscript")
        self.live.setReadOnly(True)
        self.live.setPlaceholderText("Your words appear here as you speak.")
        self.live.setMinimumHeight(120)
        self.live.setAccessibleName("Live transcript")
        answer.addWidget(self.live, 1)
        answer.addWidget(self._build_failure(answer_card))
        answer.addWidget(self._build_typing(answer_card))
        answer.addLayout(self._build_links(answer_card))
        outer.addWidget(answer_card, 1)
        self.typed_box.setVisible(False)

    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        self.position = label("", "Caption", self)
        top.addWidget(self.position)
        self.chips = label("", "Muted", self)
        top.addWidget(self.chips, 1)
        self.read_aloud = button("Read aloud", "link", self, icon_name="speaker")
        self.read_aloud.clicked.connect(self.read_aloud_clicked)
        self.set_speaking(False)
        top.addWidget(self.read_aloud)
        self.end = button("End session", "link", self)
        self.end.clicked.connect(self.end_clicked)
        top.addWidget(self.end)
        return top

    def _build_question(self) -> QWidget:
        question_card, question_layout = card(self, margins=22)
        self.kind_chip = label("", "Chip", question_card)
        question_layout.addWidget(self.kind_chip, 0, Qt.AlignmentFlag.AlignLeft)
        self.question = label("", "QuestionText", question_card, wrap=True)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        question_layout.addWidget(self.question)
        self.stories = StorySuggestions(question_card)
        question_layout.addWidget(self.stories)
        return question_card

    def _build_controls(self, parent: QWidget) -> QHBoxLayout:
        controls = QHBoxLayout()
        controls.setSpacing(16)
        self.clock = label("0:00", "Clock", parent)
        self.clock.setMinimumWidth(150)
        controls.addWidget(self.clock)
        meter_box = QVBoxLayout()
        meter_box.setSpacing(4)
        self.meter = LevelMeter(parent)
        meter_box.addWidget(self.meter)
        self.hint = label("", "Muted", parent, wrap=True)
        meter_box.addWidget(self.hint)
        controls.addLayout(meter_box, 1)
        self.record = button("Start answering", "record", parent, icon_name="record")
        self.record.setToolTip("Start or stop recording (Space)")
        self.record.clicked.connect(self.record_clicked)
        controls.addWidget(self.record)
        return controls

    def _build_failure(self, parent: QWidget) -> QWidget:
        self.failure_row = QWidget(parent)
        failure = QHBoxLayout(self.failure_row)
        failure.setContentsMargins(0, 0, 0, 0)
        self.failure = label("", "ChipWarn", self.failure_row, wrap=True)
        failure.addWidget(self.failure, 1)
        self.retry = button("Retry", "primary", self.failure_row, icon_name="retry")
        self.retry.clicked.connect(self.retry_clicked)
        failure.addWidget(self.retry)
        self.offline = button("Score offline", "", self.failure_row)
        self.offline.setToolTip("Use the built-in heuristic scorer for this answer")
        self.offline.clicked.connect(self.offline_clicked)
        failure.addWidget(self.offline)
        self.failure_next = button("Next question", "", self.failure_row, icon_name="next")
        self.failure_next.clicked.connect(self.skip_clicked)
        failure.addWidget(self.failure_next)
        return self.failure_row

    def _build_typing(self, parent: QWidget) -> QWidget:
        self.typed_box = QWidget(parent)
        typed = QVBoxLayout(self.typed_box)
        typed.setContentsMargins(0, 0, 0, 0)
        self.typed = QPlainTextEdit(self.typed_box)
        self.typed.setObjectName("TypedAnswer")
        self.typed.setPlaceholderText("Type your answer as you would say it…")
        self.typed.setMinimumHeight(140)
        self.typed.setAccessibleName("Typed answer")
        self.typed.textChanged.connect(self._typed_changed)
        typed.addWidget(self.typed)
        typed_actions = QHBoxLayout()
        typed_actions.addStretch(1)
        self.submit = button("Submit answer", "primary", self.typed_box, icon_name="check")
        self.submit.setToolTip("Submit (Ctrl+Enter)")
        self.submit.setEnabled(False)
        self.submit.clicked.connect(self._submit)
        typed_actions.addWidget(self.submit)
        typed.addLayout(typed_actions)
        submit_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.typed)
        submit_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        submit_shortcut.activated.connect(self._submit)
        return self.typed_box

    def _build_links(self, parent: QWidget) -> QHBoxLayout:
        links = QHBoxLayout()
        self.type_instead = button("Type my answer instead", "link", parent, icon_name="keyboard")
        self.type_instead.clicked.connect(lambda: self.show_typing(not self.typed_box.isVisible()))
        links.addWidget(self.type_instead)
        links.addStretch(1)
        self.skip = button("Skip question", "link", parent)
        self.skip.clicked.connect(self.skip_clicked)
        links.addWidget(self.skip)
        return links

    # -- user actions ------------------------------------------------------------------------------
    def set_speaking(self, speaking: bool) -> None:
        """While the question is read aloud, its button says so and stops it."""
        self.read_aloud.setText("■ Stop reading" if speaking else "Read aloud")
        self.read_aloud.setToolTip(
            "Reading the question aloud; click to stop" if speaking else "Read the question aloud"
        )
        self.read_aloud.setAccessibleName("Stop reading aloud" if speaking else "Read the question aloud")

    def show_typing(self, visible: bool) -> None:
        self.typed_box.setVisible(visible)
        # Typing replaces speaking: the recording controls would only distract.
        for widget in (self.live, self.clock, self.meter, self.record):
            widget.setVisible(not visible)
        self.hint.setText("Type the answer as you would say it; it is scored the same way." if visible else "")
        self.type_instead.setText("Speak my answer instead" if visible else "Type my answer instead")
        if visible:
            self.typed.setFocus()

    def _typed_changed(self) -> None:
        self.submit.setEnabled(bool(self.typed.toPlainText().strip()))

    def _submit(self) -> None:
        text = self.typed.toPlainText().strip()
        if text and self.submit.isEnabled():
            self.typed_submitted.emit(text)

    # -- rendering -------------------------------------------------------------------------------
    def new_turn(self, snapshot: PracticeSnapshot) -> None:
        """A new question (or follow-up / retry): reset everything the last answer left behind."""
        turn = snapshot.turn
        assert turn is not None
        number, total = snapshot.position
        self.position.setText(f"QUESTION {number} OF {total}")
        extra = {TurnKind.FOLLOW_UP: "Follow-up", TurnKind.RETRY: "Another try"}.get(turn.kind)
        question = turn.question
        parts = [turn.competency.name, f"{question.level.value} level"]
        self.kind_chip.setText(extra or question.kind.value.replace("-", " ").title())
        self.chips.setText("  ·  ".join(parts) + f"  ·  {format_duration(snapshot.time_limit_s)} limit")
        self.question.setText(question.text)
        self.stories.show_question(question)
        self.live.clear()
        self.typed.clear()
        self.meter.reset()
        self.failure_row.setVisible(False)

    def show_state(self, snapshot: PracticeSnapshot, readings: LiveReadings) -> None:
        phase = snapshot.phase
        answerable = phase in (Phase.QUESTION, Phase.THINKING)
        recording = phase is Phase.RECORDING
        typing = answerable and self.typed_box.isVisible()
        self.live.setVisible(not typing)
        self.clock.setVisible(not typing)
        self.record.setVisible((answerable or recording or phase is Phase.STARTING) and not typing)
        self.record.setEnabled(answerable or recording)
        self.record.setText("Stop" if recording else "Start answering")
        self.record.setIcon(icon("stop" if recording else "record", "#ffffff"))
        self.meter.setVisible((recording or answerable or phase is Phase.STARTING) and not typing)
        self.busy.setVisible(phase in _BUSY_TEXT)
        self.judging.setVisible(phase is Phase.SCORING)
        if phase is Phase.SCORING:
            self.judging.start(snapshot.turn.competency if snapshot.turn is not None else None)
        self.type_instead.setVisible(answerable)
        if not answerable and self.typed_box.isVisible():
            self.show_typing(False)
        self.skip.setVisible(answerable)
        self.end.setEnabled(phase not in (Phase.STARTING, Phase.RECORDING, Phase.TRANSCRIBING, Phase.SCORING))
        failed = phase in (Phase.TRANSCRIPTION_FAILED, Phase.SCORING_FAILED)
        self.failure_row.setVisible(failed)
        if failed:
            self.failure.setText(snapshot.problem.text if snapshot.problem else "This step failed.")
            self.offline.setVisible(phase is Phase.SCORING_FAILED)
            self.failure_next.setText("Finish session" if snapshot.is_last_question else "Next question")
        if not typing:
            self.hint.setText(self._hint(phase))
        self.update_clock(snapshot, readings)

    @staticmethod
    def _hint(phase: Phase) -> str:
        if phase is Phase.THINKING:
            return (
                "Take a moment to structure your answer. Recording starts when the countdown ends (Space starts now)."
            )
        if phase is Phase.QUESTION:
            return "Press Space or click Start answering when you are ready."
        if phase is Phase.RECORDING:
            return "Recording. Press Space or click Stop when you have finished."
        return _BUSY_TEXT.get(phase, "")

    def update_clock(self, snapshot: PracticeSnapshot, readings: LiveReadings) -> None:
        limit = snapshot.time_limit_s
        if snapshot.phase is Phase.THINKING:
            self.clock.setText(f"Think {format_duration(readings.thinking_remaining_s)}")
            over = False
        elif snapshot.phase in (Phase.QUESTION, Phase.STARTING, Phase.RECORDING):
            elapsed = readings.elapsed_s
            self.clock.setText(f"{format_duration(elapsed)} / {format_duration(limit)}")
            over = elapsed >= limit * 0.9
        else:
            return  # after Stop the clock keeps showing how long the answer was
        if bool(self.clock.property("over")) != over:
            self.clock.setProperty("over", over)
            repolish(self.clock)
        if snapshot.phase is Phase.RECORDING:
            self.meter.set_level(readings.level)

    def show_scoring_progress(self, progress: ScoringProgress) -> None:
        self.judging.show_progress(progress)

    def set_live_text(self, text: str) -> None:
        self.live.setPlainText(display_safe(text))
        bar = self.live.verticalScrollBar()
        bar.setValue(bar.maximum())
