"""The Interview page: setup, the rounds with their clock and spoken questions, and the debrief.

The interview itself (`tpm_coach.interview.InterviewRun`) runs on workers, one step at a time; this page
records answers with practice's services, keeps the round's clock, and shows no score until the debrief.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from tpm_coach.domain import Competency, Transcript
from tpm_coach.errors import KnownError
from tpm_coach.interview.clock import ClockState, RoundClock
from tpm_coach.interview.debrief import Debrief
from tpm_coach.interview.engine import InterviewRun
from tpm_coach.interview.formats import InterviewFormat, InterviewLevel, build_interview_plan
from tpm_coach.interview.wiring import build_interview_services
from tpm_coach.practice import jobs
from tpm_coach.practice.turn import TurnKind
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.interview.debrief_page import DebriefPage
from tpm_coach.ui.interview.round_page import RoundPage
from tpm_coach.ui.interview.setup import InterviewSetup
from tpm_coach.ui.practice.tts import Speaker
from tpm_coach.ui.tasks import QtTaskRunner

log = logging.getLogger(__name__)

TICK_MS = 1000
SETUP, ROUND, DEBRIEF = range(3)


class InterviewView(QWidget):
    session_finished = Signal(int)  # session id
    practise_requested = Signal(list)  # skill ids to preselect in Practice

    def __init__(self, deps: ViewDeps, *, speech_engine: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.services = deps.services
        self.runner = QtTaskRunner(deps.workers, self)
        self.run: InterviewRun | None = None
        self.debrief: Debrief | None = None
        self.speaker = self._new_speaker(speech_engine)
        self._closing = threading.Event()
        self._started: jobs.StartedAnswer | None = None  # an answer being recorded
        self._heard: tuple[int, Transcript] | None = None  # a recorded answer waiting for Submit
        self._busy = False
        self._round_seen = -1
        self._round_started = 0.0
        self._turn_shown = 0.0
        self._warned = False
        self._over = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages)
        self.setup = InterviewSetup()
        self.round = RoundPage()
        self.debrief_page = DebriefPage()
        for page in (self.setup, self.round, self.debrief_page):
            self.pages.addWidget(page)
        self.setup.start_requested.connect(self.start)
        self.round.record_clicked.connect(self.toggle_recording)
        self.round.submit_clicked.connect(self.submit)
        self.round.stop_speaking_clicked.connect(self.speaker_stop)
        self.round.read_again_clicked.connect(self._read_question)
        self.round.end_clicked.connect(self.finish)
        self.debrief_page.practise_clicked.connect(self.practise_requested)
        self.debrief_page.new_interview_clicked.connect(lambda: self.pages.setCurrentIndex(SETUP))
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)

    def _new_speaker(self, engine: str | None) -> Speaker:
        speaker = Speaker(engine, self)
        speaker.finished.connect(lambda: self.round.set_speaking(False))
        return speaker

    def use_speech_engine(self, engine: str | None) -> None:
        """The window's choice of voice (tests use Qt's silent `mock` engine)."""
        self.speaker.close()
        self.speaker = self._new_speaker(engine)

    # -- Page -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.setup.skills.count() == 0:
            context = self.context

            def read() -> list[Competency]:  # waits for the banks, which are read in the background
                return context.banks.competencies()

            self.runner.submit(read, self._competencies, self._show_error)

    def _competencies(self, competencies: list[Competency]) -> None:
        self.setup.set_competencies(competencies)

    def shutdown(self) -> None:
        self._closing.set()
        self.ticker.stop()
        self.speaker.close()
        started, self._started = self._started, None
        if started is not None:
            started.recording.stop()
            started.live.cancel(wait=False)
        self.runner.close()

    def confirm_close(self) -> bool:
        return True

    # -- starting ---------------------------------------------------------------------------------
    def start(self, interview_format: str, level: str, skills: list[str]) -> None:
        context = self.context
        self.setup.set_busy(True)

        def job() -> InterviewRun:
            library = context.banks
            plan = build_interview_plan(library, InterviewFormat(interview_format), InterviewLevel(level), skills)
            competencies = {c.id: c for c in library.competencies()}
            for question in (q for r in plan.rounds for q in r.questions):
                competencies[question.competency] = library.competency_for(question)
            services = build_interview_services(context.settings, context.data_paths)
            return InterviewRun.start(plan, services, competencies, [b.id for b in library.active_banks()])

        self.runner.submit(job, self._began, self._start_failed)

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, KnownError):
            self.messages.error(exc)
        else:
            log.error("interview step failed", exc_info=exc)
            self.messages.error(f"The interview could not go on ({type(exc).__name__}: {exc}); its answers are saved")

    def _start_failed(self, exc: Exception) -> None:
        self.setup.set_busy(False)
        self._show_error(exc)

    def _began(self, run: InterviewRun) -> None:
        self.setup.set_busy(False)
        self.run = run
        self._round_seen = -1
        self.pages.setCurrentIndex(ROUND)
        self.ticker.start()
        self._present()

    # -- asking -----------------------------------------------------------------------------------
    def _present(self) -> None:
        run = self.run
        if run is None:
            return
        asked = run.current
        if asked is None:
            self.finish()
            return
        if asked.round_index != self._round_seen:
            self._round_seen = asked.round_index
            self._round_started = time.monotonic()
            self._warned = self._over = False
        self._turn_shown = time.monotonic()
        title = run.plan.rounds[asked.round_index].title
        self.round.show_turn(title, asked.kind is TurnKind.FOLLOW_UP, asked.text)
        self._tick()
        self._read_question()

    def _read_question(self) -> None:
        if self.run is not None and self.run.current is not None:
            self._say(self.run.current.text)

    def _say(self, text: str) -> None:
        self.speaker.speak(text)
        self.round.set_speaking(self.speaker.speaking)

    def speaker_stop(self) -> None:
        self.speaker.stop()
        self.round.set_speaking(False)

    # -- the clock --------------------------------------------------------------------------------
    def _clock(self) -> RoundClock | None:
        if self.run is None or not 0 <= self._round_seen < len(self.run.plan.rounds):
            return None
        return RoundClock(self.run.plan.rounds[self._round_seen].time_box_s)

    def round_elapsed_s(self) -> float:
        return time.monotonic() - self._round_started

    def _tick(self) -> None:
        clock = self._clock()
        if clock is None:
            return
        elapsed = self.round_elapsed_s()
        state = clock.state(elapsed)
        self.round.set_clock(clock.remaining(elapsed), state)
        if state is ClockState.WARNING and not self._warned:
            self._warned = True
            if not self.speaker.speaking and self._started is None:
                self._say(f"We have about {max(1, round(clock.remaining(elapsed) / 60))} minutes left.")
        if state is ClockState.OVER and not self._over:
            self._over = True
            if self._started is not None:
                self.toggle_recording()  # the answer so far is kept and noted
            elif not self._busy and self._heard is None and not self.round.answer.toPlainText().strip():
                self._move_on()

    def _move_on(self) -> None:
        """The time box is over: the interviewer moves to the next round."""
        run = self.run
        if run is None or self._busy:
            return
        self._busy = True
        self.speaker_stop()
        self._say("We're out of time for this round; let's move on.")
        self.runner.submit(run.end_round, lambda _r: self._noted(), self._step_failed)

    # -- answering --------------------------------------------------------------------------------
    def toggle_recording(self) -> None:
        if self.run is None or self.run.current is None:
            return
        if self._started is None:
            if not self._busy:
                self._start_recording()
        else:
            self._stop_recording()

    def _start_recording(self) -> None:
        run, asked = self.run, self.run.current if self.run else None
        if run is None or asked is None:
            return
        self.speaker_stop()
        self._busy = True
        self.round.set_busy("Opening the microphone…")
        services, closing = self.services(), self._closing
        clock = self._clock()
        limit = max(60.0, clock.remaining(self.round_elapsed_s())) if clock else 600.0

        def on_update(transcript: Transcript) -> None:  # transcriber thread
            self.runner.post(lambda: self._live(transcript.text))

        def on_error(_exc: Any) -> None:  # audio watchdog thread
            self.runner.post(self._stop_recording)

        def job() -> jobs.StartedAnswer:
            return jobs.start_spoken(
                services,
                run.session_id,
                asked.as_turn(),
                limit,
                on_update=on_update,
                on_error=on_error,
                closing=closing,
            )

        self.runner.submit(job, self._recording, self._step_failed)

    def _recording(self, started: jobs.StartedAnswer) -> None:
        self._busy = False
        self._started = started
        self.round.set_busy("")
        self.round.set_recording(True)
        self.round.status.setText("Recording… press Stop when you have finished.")

    def _live(self, text: str) -> None:
        if self._started is not None:
            self.round.answer.setPlainText(text)

    def _stop_recording(self) -> None:
        started, self._started = self._started, None
        if started is None:
            return
        self._busy = True
        self.round.set_recording(False)
        self.round.set_busy("Finishing the transcript…")
        services = self.services()

        def job() -> tuple[int, Transcript]:
            try:
                jobs.stop_recording(services, started.attempt_id, started.recording)
            except Exception:
                started.live.cancel(wait=False)
                raise
            return started.attempt_id, started.live.finish()

        self.runner.submit(job, self._transcribed, self._step_failed)

    def _transcribed(self, heard: tuple[int, Transcript]) -> None:
        self._busy = False
        self._heard = heard
        self.round.set_busy("")
        self.round.answer.setPlainText(heard[1].text)
        self.round.status.setText("Correct any misheard words, then Submit.")

    def submit(self, text: str) -> None:
        run = self.run
        if run is None or self._busy or self._started is not None:
            return
        heard, self._heard = self._heard, None
        if heard is None and not text.strip():
            self.round.status.setText("Answer aloud or type an answer first.")
            return
        self._busy = True
        self.speaker_stop()
        self.round.set_busy("Noted.")
        seconds = time.monotonic() - self._turn_shown
        if heard is None:
            self.runner.submit(lambda: run.answer_typed(text), lambda _o: self._noted(), self._step_failed)
        else:
            attempt_id, transcript = heard
            self.runner.submit(
                lambda: run.answer_recorded(attempt_id, transcript, seconds, edited=text),
                lambda _o: self._noted(),
                self._step_failed,
            )

    def _noted(self) -> None:
        self._busy = False
        run = self.run
        if run is None:
            return
        if self._over and run.current is not None and run.current.round_index == self._round_seen:
            self._move_on()
            return
        self._present()

    def _step_failed(self, exc: Exception) -> None:
        self._busy = False
        self.round.set_busy("")
        self._show_error(exc)

    # -- the end ----------------------------------------------------------------------------------
    def finish(self) -> None:
        run = self.run
        if run is None or self._busy:
            return
        if self._started is not None:
            started, self._started = self._started, None
            started.recording.stop()
            started.live.cancel(wait=False)
        self._busy = True
        self.ticker.stop()
        self.speaker_stop()
        self.runner.submit(run.finish, self._debriefed, self._step_failed)

    def _debriefed(self, debrief: Debrief) -> None:
        self._busy = False
        self.debrief = debrief
        self.debrief_page.show_debrief(debrief)
        self.pages.setCurrentIndex(DEBRIEF)
        if self.run is not None:
            self.session_finished.emit(self.run.session_id)
