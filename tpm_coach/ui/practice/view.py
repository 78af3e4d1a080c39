"""The Practice page: wires the Qt-free PracticeController to the setup, answering, feedback and summary pages."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from tpm_coach.config import PracticeSettings, Settings, load_settings, save_settings
from tpm_coach.errors import KnownError
from tpm_coach.practice import (
    Action,
    LiveTextChanged,
    Phase,
    PhaseChanged,
    PracticeController,
    ProblemRaised,
    SessionOptions,
)
from tpm_coach.practice.events import Event, PracticeSnapshot, Problem, ScoringProgressed, SessionStarted
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.feedback.compare import CompareDialog
from tpm_coach.ui.feedback.transcript_fix import TranscriptFix
from tpm_coach.ui.messages import Message
from tpm_coach.ui.practice.feedback import FeedbackPage
from tpm_coach.ui.practice.question import QuestionPage
from tpm_coach.ui.practice.setup import SetupPage
from tpm_coach.ui.practice.summary import SummaryPage
from tpm_coach.ui.practice.tts import Speaker
from tpm_coach.ui.tasks import QtTaskRunner

log = logging.getLogger(__name__)

TICK_MS = 33  # ~30 Hz: meter, clock and countdown
_TICKING = frozenset({Phase.THINKING, Phase.RECORDING})
_QUESTION_PHASES = frozenset(
    {
        Phase.QUESTION,
        Phase.THINKING,
        Phase.STARTING,
        Phase.RECORDING,
        Phase.TRANSCRIBING,
        Phase.SCORING,
        Phase.TRANSCRIPTION_FAILED,
        Phase.SCORING_FAILED,
    }
)


def _scrolled(page: QWidget, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setObjectName("Page")
    area.setWidgetResizable(True)
    # A scroll bar that comes and goes as the page grows (the live text while recording) narrows the page, and
    # Qt lays every wrapped line out again: recording stalled 28-57 ms with it, 25-28 ms without (bench/ui_stall.py).
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    page.setObjectName("PageBody")
    area.setWidget(page)
    return area


def remember_practice_settings(practice: PracticeSettings) -> None:
    """Write the practice choices to the settings file, leaving everything else in it as it is."""
    values = load_settings(environ={}).model_dump()
    values["practice"] = practice.model_dump()
    save_settings(Settings.model_validate(values))


class PracticeView(QWidget):
    session_finished = Signal(int)  # session id
    settings_requested = Signal(str)  # "audio" | "llm"
    history_requested = Signal()
    attempt_requested = Signal(int)  # the summary's link to one answer's feedback

    def __init__(self, deps: ViewDeps, *, speech_engine: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.workers = workers = deps.workers
        self.services = deps.services
        self.runner = QtTaskRunner(workers, self)
        self.controller: PracticeController | None = None
        self.snapshot: PracticeSnapshot | None = None  # the session as of its last phase change
        self.speaker = Speaker(speech_engine, self)
        self.speaker.unavailable.connect(self._speech_unavailable)
        self.speaker.finished.connect(self._speech_finished)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("Pages")
        layout.addWidget(self.pages)
        self.setup = SetupPage()  # the main window hands it the banks once they are read
        self.question = QuestionPage()
        self.feedback = FeedbackPage()
        self.feedback.allow_transcript_fix(
            TranscriptFix(
                deps.services,
                self.context.data_paths.database,
                self.runner,
                messages=self.messages,
                on_corrected=self.feedback.view.show_record,
            )
        )
        self.feedback.view.story_bar.configure(deps)
        self.question.stories.configure(deps)
        self.summary = SummaryPage()
        for page in (self.setup, self.question, self.summary):
            self.pages.addWidget(_scrolled(page, self.pages))
        self.pages.addWidget(self.feedback)

        self.setup.session.load(self.context.settings.practice)
        self.setup.start_requested.connect(self.start)
        self._connect_pages()

        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        space.activated.connect(self._space)
        self.compare_dialog: CompareDialog | None = None

    def _connect_pages(self) -> None:
        """The question, feedback and summary pages' buttons, each to what the session does."""
        q = self.question
        q.record_clicked.connect(lambda: self._call(lambda c: c.toggle_recording()))
        q.typed_submitted.connect(lambda text: self._call(lambda c: c.submit_typed(text)))
        q.skip_clicked.connect(lambda: self._call(lambda c: c.next_question()))
        q.end_clicked.connect(lambda: self._call(lambda c: c.finish()))
        q.retry_clicked.connect(lambda: self._call(lambda c: c.retry()))
        q.offline_clicked.connect(lambda: self._call(lambda c: c.score_offline()))
        q.read_aloud_clicked.connect(self._toggle_read_aloud)
        q.cancel_scoring_clicked.connect(lambda: self._call(lambda c: c.cancel_scoring()))
        f = self.feedback
        f.follow_up_clicked.connect(lambda: self._call(lambda c: c.answer_follow_up()))
        f.retry_clicked.connect(lambda: self._call(lambda c: c.retry_question()))
        f.next_clicked.connect(lambda: self._call(lambda c: c.next_question()))
        f.compare_clicked.connect(self._compare)
        self.summary.new_session_clicked.connect(self.new_session)
        self.summary.history_clicked.connect(self.history_requested)
        self.summary.answers.attempt_clicked.connect(self.attempt_requested)
        self.summary.answers.practise_clicked.connect(self.practise_skill)

    # -- session lifecycle -------------------------------------------------------------------------
    def start(self, options: SessionOptions) -> None:
        if self.busy:
            return
        self.snapshot = None
        self._keep_session_settings()
        self.controller = PracticeController(
            library=self.context.banks,
            sessions=self.context.sessions,
            services=self.services(),
            runner=self.runner,
            settings=self.context.settings.practice,
        )
        self.controller.subscribe(self._on_event)
        self.setup.set_busy(True)
        self.controller.prepare(options)

    def _keep_session_settings(self) -> None:
        """The setup page's thinking time, time limit and reading aloud apply now and start the next session."""
        chosen = self.setup.session.values(self.context.settings.practice)
        if chosen == self.context.settings.practice:
            return
        self.context.settings.practice = chosen
        try:
            remember_practice_settings(chosen)
        except KnownError as exc:  # this session uses them anyway; only the next start forgets them
            self.messages.warning(f"These practice settings could not be remembered: {exc}")

    def new_session(self) -> None:
        self.controller = None
        self.snapshot = None
        self.setup.reload()
        self.pages.setCurrentIndex(0)

    def practise_skill(self, competency_id: str) -> None:
        """A new session's setup with only this skill chosen ("Practise this next")."""
        self.new_session()
        self.setup.choose_skills([competency_id])

    @property
    def busy(self) -> bool:
        """True while a session is under way (Settings must not swap services then)."""
        return self.snapshot is not None and self.snapshot.phase not in (Phase.IDLE, Phase.SUMMARY)

    def refresh(self) -> None:
        """Banks or settings changed: the setup lists what is active now."""
        self.setup.reload()
        self.setup.session.load(self.context.settings.practice)

    def confirm_close(self) -> bool:
        return True

    def shutdown(self) -> None:
        self.ticker.stop()
        self.speaker.close()
        if self.controller is not None:
            self.controller.close()
        self.runner.close()

    # -- controller events -------------------------------------------------------------------------
    def _call(self, fn: Callable[[PracticeController], None]) -> None:
        if self.controller is not None:
            fn(self.controller)

    def _space(self) -> None:
        if self.pages.currentIndex() == 1 and not self.question.typed.hasFocus():
            self._call(lambda c: c.toggle_recording())

    def _on_event(self, event: Event) -> None:
        controller = self.controller
        if controller is None:
            return
        if isinstance(event, PhaseChanged):
            self.snapshot = event.snapshot
            self._phase_changed(controller, event)
        elif isinstance(event, LiveTextChanged):
            self.question.set_live_text(event.text)
        elif isinstance(event, ScoringProgressed):
            self.question.show_scoring_progress(event.progress)
        elif isinstance(event, ProblemRaised):
            self._post_problem(event.problem)
        elif isinstance(event, SessionStarted) and event.note:
            self.messages.info(event.note)

    def _phase_changed(self, controller: PracticeController, event: PhaseChanged) -> None:
        """Pages render the event's snapshot; only the live readings (meter, clock) come from the controller."""
        snapshot, phase = event.snapshot, event.phase
        if phase in _TICKING:
            if not self.ticker.isActive():
                self.ticker.start()
        else:
            self.ticker.stop()
        if phase is Phase.IDLE:
            self.setup.set_busy(False)
            self.pages.setCurrentIndex(0)
        elif phase in (Phase.QUESTION, Phase.THINKING) and event.previous not in (Phase.STARTING,):
            self.setup.set_busy(False)
            self.question.new_turn(snapshot)
            self.question.show_state(snapshot, controller.readings())
            self.pages.setCurrentIndex(1)
            self.question.record.setFocus()
            if self.context.settings.practice.read_aloud and snapshot.turn is not None:
                self._read_aloud()
        elif phase in _QUESTION_PHASES:
            if phase is Phase.STARTING:
                self.speaker.stop()
            self.question.show_state(snapshot, controller.readings())
            self.pages.setCurrentIndex(1)
        elif phase is Phase.FEEDBACK:
            self.feedback.show_state(snapshot)
            # Filling the page and laying it out anew take ~25 ms each: in two turns of the event loop the
            # window never waits for both at once (bench/ui_stall.py: 50-95 ms in one turn). Not 0 ms: that
            # posts an event, which Qt delivers in the same pass as the one that brought the score.
            QTimer.singleShot(1, self._show_feedback_page)
        elif phase is Phase.SUMMARY and snapshot.report is not None:
            self.summary.show_report(snapshot.report)
            self.pages.setCurrentIndex(2)
            if snapshot.session_id is not None:
                self.session_finished.emit(snapshot.session_id)

    def _show_feedback_page(self) -> None:
        if self.snapshot is not None and self.snapshot.phase is Phase.FEEDBACK:
            self.pages.setCurrentIndex(3)

    def _tick(self) -> None:
        if self.controller is None:
            self.ticker.stop()
            return
        self.controller.tick()  # may change the phase, and with it the snapshot
        if self.snapshot is not None and self.snapshot.phase in _TICKING:
            self.question.update_clock(self.snapshot, self.controller.readings())

    # -- problems ----------------------------------------------------------------------------------
    def _post_problem(self, problem: Problem) -> None:
        labels = {
            Action.RETRY_TRANSCRIPTION: ("Retry transcription", lambda: self._call(lambda c: c.retry())),
            Action.RETRY_SCORING: ("Retry scoring", lambda: self._call(lambda c: c.retry())),
            Action.SCORE_OFFLINE: ("Score offline", lambda: self._call(lambda c: c.score_offline())),
            Action.TYPE_ANSWER: ("Type my answer", self._type_answer),
            Action.RECORD_AGAIN: ("Answer again", lambda: self._call(lambda c: c.retry_question())),
            Action.AUDIO_SETTINGS: ("Audio settings", lambda: self.settings_requested.emit("audio")),
            Action.LLM_SETTINGS: ("LLM settings", lambda: self.settings_requested.emit("llm")),
        }
        actions = [labels[a] for a in problem.actions if a in labels]
        first = actions[0] if actions else ("", None)
        self.messages.post(Message("error", problem.text, first[0], first[1], tuple(actions[1:])))

    def _type_answer(self) -> None:
        controller = self.controller
        if controller is None:
            return
        if self.snapshot is not None and self.snapshot.phase is Phase.SCORING_FAILED:
            controller.retry_question()
        self.question.show_typing(True)

    # -- extras ------------------------------------------------------------------------------------
    def _toggle_read_aloud(self) -> None:
        """The button: read the question aloud, or stop reading it when it is being read."""
        if self.speaker.speaking:
            self.speaker.stop()
            self.question.set_speaking(False)
        else:
            self._read_aloud()

    def _read_aloud(self) -> None:
        """Read the question on screen aloud (a question still being read is stopped first)."""
        self.speaker.stop()
        if self.snapshot is not None and self.snapshot.turn is not None:
            self.speaker.speak(self.snapshot.turn.question.text)
        self.question.set_speaking(self.speaker.speaking)

    def _speech_finished(self) -> None:
        self.question.set_speaking(False)

    def _speech_unavailable(self) -> None:
        self.question.read_aloud.setEnabled(False)
        self.question.read_aloud.setToolTip("No text-to-speech engine is available on this computer")
        self.messages.info("Questions cannot be read aloud here: no text-to-speech engine is available.")

    def _compare(self) -> None:
        if self.snapshot is None:
            return
        self.compare_dialog = CompareDialog(self.snapshot.comparable, self)
        self.compare_dialog.show()
