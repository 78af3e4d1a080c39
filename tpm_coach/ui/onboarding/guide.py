"""The first-start guide: check the microphone, choose who scores the answers, then answer one warm-up question.

Shown once, on the first start; Settings opens it again. Each step can be skipped: a candidate without a
microphone can type, and scoring can be chosen later in Settings > Scoring.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from tpm_coach.config import Settings
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.widgets.mic_check import MicCheck

STEPS = ("Microphone", "Scoring", "Warm-up")


def judge_text(settings: Settings) -> str:
    """Who scores the answers now, in a sentence."""
    llm = settings.llm
    if llm.enabled:
        return f"Answers are scored by {llm.resolved_model()} at {llm.resolved_base_url()}."
    return (
        "Answers get an offline estimate from the built-in heuristic scorer. A language model judges far "
        "better: connect one on this computer or with a cloud provider's API key."
    )


class FirstRunGuide(QDialog):
    """`judge_requested` opens the scoring choice; `warm_up_requested` starts a one-question session."""

    judge_requested = Signal()
    warm_up_requested = Signal()

    def __init__(
        self,
        runner: QtTaskRunner,
        messages: MessageSink,
        settings: Callable[[], Settings],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunGuide")
        self.setWindowTitle("Welcome to TPM Coach")
        self.setMinimumWidth(620)
        self.settings = settings
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label("Welcome to TPM Coach", "PageTitle", self))
        self.step_title = label("", "Caption", self)
        layout.addWidget(self.step_title)
        self.pages = QStackedWidget(self)
        self.mic = MicCheck(runner, messages, lambda: settings().audio.input_device)
        self.mic.checked.connect(self._mic_checked)
        self.pages.addWidget(self._page("Check your microphone", self.mic))
        self.pages.addWidget(self._page("Choose who scores your answers", self._judge_page()))
        self.pages.addWidget(self._page("Answer one warm-up question", self._warm_up_page()))
        layout.addWidget(self.pages, 1)

        bar = QHBoxLayout()
        self.skip = button("Skip the guide", "", self)
        self.skip.setToolTip("Everything here is also in Settings, and the guide can be opened again there")
        self.skip.clicked.connect(self.reject)
        bar.addWidget(self.skip)
        bar.addStretch(1)
        self.back = button("Back", "", self)
        self.back.clicked.connect(lambda: self.go(self.pages.currentIndex() - 1))
        bar.addWidget(self.back)
        self.next = button("Next", "primary", self, icon_name="next")
        self.next.clicked.connect(lambda: self.go(self.pages.currentIndex() + 1))
        bar.addWidget(self.next)
        layout.addLayout(bar)
        self.go(0)

    def _page(self, title: str, body: QWidget) -> QWidget:
        frame, inner = card(self, spacing=10, margins=16)
        inner.addWidget(label(title, "SectionTitle", frame))
        body.setParent(frame)
        inner.addWidget(body)
        inner.addStretch(1)
        return frame

    def _judge_page(self) -> QWidget:
        page, column = _step_page(
            "Each answer is scored against its question's rubric. A language model (on this computer or at "
            "a cloud provider) gives a judgement; without one, the app gives a labelled estimate."
        )
        self.judge = label("", "", page, wrap=True)
        column.addWidget(self.judge)
        self.choose_judge = button("Choose how answers are scored…", "", page)
        self.choose_judge.clicked.connect(self.judge_requested)
        column.addLayout(_left(self.choose_judge))
        return page

    def _warm_up_page(self) -> QWidget:
        page, column = _step_page(
            "One entry-level behavioural question, answered aloud (or typed) like any other. The feedback "
            "opens with your score, your strongest point and the one fix worth most. Nothing is lost if "
            "it goes badly: it is practice."
        )
        self.warm_up = button("Start the warm-up question", "primary", page, icon_name="practice")
        self.warm_up.clicked.connect(self._warm_up)
        column.addLayout(_left(self.warm_up))
        return page

    def go(self, index: int) -> None:
        index = max(0, min(index, len(STEPS) - 1))
        if self.mic.busy and index != 0:
            return  # the check finishes first: leaving mid-recording would hide its result
        self.pages.setCurrentIndex(index)
        self.step_title.setText(f"STEP {index + 1} OF {len(STEPS)} · {STEPS[index].upper()}")
        self.back.setEnabled(index > 0)
        self.next.setVisible(index < len(STEPS) - 1)
        if index == 1:
            self.show_judge()

    def show_judge(self) -> None:
        """The scoring choice in force now (after the scoring dialog, it names the new one)."""
        self.judge.setText(judge_text(self.settings()))

    def _mic_checked(self, heard: bool) -> None:
        self.next.setDefault(heard)

    def _warm_up(self) -> None:
        self.accept()
        self.warm_up_requested.emit()

    def done(self, result: int) -> None:
        self.mic.close_check()
        super().done(result)


def _step_page(intro: str) -> tuple[QWidget, QVBoxLayout]:
    """A step's page: what the step is for, in muted text, above whatever the step adds to the column."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(10)
    column.addWidget(label(intro, "Muted", page, wrap=True))
    return page, column


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row
