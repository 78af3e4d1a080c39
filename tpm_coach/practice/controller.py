"""The practice state machine: question -> thinking -> recording -> transcribing -> scoring -> feedback.

Plain Python: blocking steps (`tpm_coach.practice.jobs`) go through the injected TaskRunner and come back
as callbacks on the controller's thread, so that thread never waits and never reads an answer from the
database. Each background step carries a token; a result that arrives after the session moved on is
ignored. Each phase change carries a PracticeSnapshot, which is what views render.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tpm_coach.banks import BankLibrary
from tpm_coach.config import PracticeSettings
from tpm_coach.domain import AttemptRecord, Transcript
from tpm_coach.errors import KnownError, ScoringCancelledError
from tpm_coach.practice import jobs
from tpm_coach.practice.events import (
    Action,
    LiveReadings,
    LiveTextChanged,
    PracticeSnapshot,
    Problem,
    ScoringProgressed,
    SessionStarted,
    microphone_problem,
    scoring_problem,
)
from tpm_coach.practice.machine import PhaseMachine
from tpm_coach.practice.naming import default_session_title
from tpm_coach.practice.phase import ANSWERABLE, SETTLED, Phase
from tpm_coach.practice.plan import SessionOptions, SessionPlan, build_plan
from tpm_coach.practice.ports import LiveTranscriber, PracticeServices, Recording, RecordingResultLike, TaskRunner
from tpm_coach.practice.scoring_call import ScoringCall
from tpm_coach.practice.summary import SessionReport
from tpm_coach.practice.turn import Turn, TurnKind, follow_up_question, next_follow_up
from tpm_coach.scoring.base import ScorerChoice
from tpm_coach.scoring.partial import ScoringProgress
from tpm_coach.storage import SessionRepository
from tpm_coach.stories.matcher import StoryMatch

log = logging.getLogger(__name__)


class PracticeController(PhaseMachine):
    def __init__(
        self,
        *,
        library: BankLibrary,
        sessions: SessionRepository,
        services: PracticeServices,
        runner: TaskRunner,
        settings: PracticeSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.library = library
        self.sessions = sessions
        self.services = services
        self.runner = runner
        self.settings = settings
        self.clock = clock
        self.plan: SessionPlan | None = None
        self.session_id: int | None = None
        self.index = 0
        self.turn: Turn | None = None
        self.attempt_id: int | None = None
        self.record: AttemptRecord | None = None  # the current attempt once scored, or once its scoring failed
        self.report: SessionReport | None = None
        self.story: StoryMatch | None = None  # the story the scored answer told, when stories are tracked
        self.live_text = ""
        self._thinking_deadline = 0.0
        self._recording: Recording | None = None
        self._live: LiveTranscriber | None = None
        self._audio_path: Path | None = None  # the current spoken answer's WAV file
        self._transcript: Transcript | None = None  # heard or typed, and not yet known to be stored
        self._comparable: tuple[AttemptRecord, ...] = ()  # read with `record`
        self._scoring: ScoringCall | None = None  # the scoring under way, which Cancel stops
        # One warm-up at a time: a slow judge reads one prompt at a time anyway, and questions skipped quickly must
        # not fill the worker threads that recording needs. The newest question waits for the one in flight.
        self._warming = False
        self._warm_next: Turn | None = None
        self._closing = threading.Event()

    # -- what the view reads -----------------------------------------------------------------------
    def snapshot(self) -> PracticeSnapshot:
        return PracticeSnapshot(
            phase=self.phase,
            session_id=self.session_id,
            turn=self.turn,
            position=(self.index + 1, len(self.plan) if self.plan else 0),
            is_last_question=self._is_last_question(),
            time_limit_s=self._time_limit_s(),
            problem=self.problem,
            record=self.record,
            follow_up=self._follow_up_text(),
            comparable=self._comparable,
            report=self.report,
            story=self.story,
        )

    # The values below change between phase changes, so the view polls them (~30 Hz) instead.
    def readings(self) -> LiveReadings:
        return LiveReadings(self.thinking_remaining(), self.elapsed_s, self.level)

    def thinking_remaining(self) -> float:
        return max(0.0, self._thinking_deadline - self.clock()) if self.phase is Phase.THINKING else 0.0

    @property
    def elapsed_s(self) -> float:
        return self._recording.elapsed_s if self._recording and self.phase is Phase.RECORDING else 0.0

    @property
    def level(self) -> float:
        return self._recording.level if self._recording and self.phase is Phase.RECORDING else 0.0

    def _is_last_question(self) -> bool:
        return self.plan is None or self.index + 1 >= len(self.plan)

    def _time_limit_s(self) -> int:
        if self.turn and self.turn.time_limit_s:
            return self.turn.time_limit_s
        return self.settings.default_time_limit_s

    def _follow_up_text(self) -> str | None:
        if self.record is None or self.record.score is None or self.turn is None or self.plan is None:
            return None
        root = self.plan.questions[self.index]
        return next_follow_up(root, self.record.score.follow_up, self.turn.follow_up_depth)

    # -- starting --------------------------------------------------------------------------------
    def prepare(self, options: SessionOptions, title: str = "") -> None:
        """Choose questions in the background (weakest-skill focus reads the history), then start."""
        if self.phase not in (Phase.IDLE, Phase.SUMMARY):
            raise RuntimeError(f"cannot start a session while {self.phase}")
        token = self._next_token()
        self._set_phase(Phase.PLANNING)

        def plan() -> SessionPlan:
            return build_plan(self.library, options, self.services.load_history())

        def failed(exc: Exception) -> None:
            self._set_phase(Phase.IDLE)
            self._raise(Problem(exc, step="choosing questions"))

        self.runner.submit(plan, self._guarded(token, lambda p: self.start(p, title)), self._guarded(token, failed))

    def start(self, plan: SessionPlan, title: str = "") -> None:
        if self.phase not in (Phase.IDLE, Phase.SUMMARY, Phase.PLANNING):
            raise RuntimeError(f"cannot start a session while {self.phase}")
        if not plan.questions:
            raise ValueError("a session needs at least one question")
        self.plan = plan
        self.index = 0
        self.report = None
        if not title:
            names = [self.library.competency_for(q).name for q in plan.questions]
            title = default_session_title(date.today(), names)
        self.session_id = self.sessions.create(list(plan.bank_ids), title)
        self._emit(SessionStarted(self.session_id, plan.note))
        self._present(self._plan_turn(0))

    def _plan_turn(self, index: int) -> Turn:
        assert self.plan is not None
        question = self.plan.questions[index]
        return Turn(question, self.library.competency_for(question))

    def _present(self, turn: Turn) -> None:
        self._next_token()
        self.turn = turn
        self.attempt_id = None
        self.record = None
        self.story = None
        self._audio_path = None
        self._transcript = None
        self._comparable = ()
        self._show_text("")
        self._warm_judge(turn)
        if self.settings.thinking_seconds > 0:
            self._thinking_deadline = self.clock() + self.settings.thinking_seconds
            self._set_phase(Phase.THINKING)
        else:
            self._set_phase(Phase.QUESTION)

    def _warm_judge(self, turn: Turn) -> None:
        """While the candidate thinks and speaks, a local judge reads everything of the prompt but the answer."""
        if self.services.warm_judge is None:
            return
        self._warm_next = turn
        if not self._warming:
            self._start_warm_up()

    def _start_warm_up(self) -> None:
        warm, turn, self._warm_next = self.services.warm_judge, self._warm_next, None
        self._warming = warm is not None and turn is not None
        if warm is not None and turn is not None:
            self.runner.submit(lambda: warm(turn.question, turn.competency), self._warm_up_ended, self._warm_up_ended)

    def _warm_up_ended(self, _outcome: object) -> None:
        """Nothing depends on how it went (a judge that is down is reported when the answer is scored): the next
        question shown meanwhile, if any, is read now."""
        self._start_warm_up()

    def tick(self) -> None:
        """Called often (~30 Hz) by the host: ends the thinking countdown, notices a recorder that stopped."""
        if self.phase is Phase.THINKING and self.clock() >= self._thinking_deadline:
            self.start_recording()
        elif self.phase is Phase.RECORDING and self._recording is not None and not self._recording.is_recording:
            self.stop_recording()  # the time limit was reached

    def toggle_recording(self) -> None:
        """The Space key: start answering, or stop."""
        if self.phase in ANSWERABLE:
            self.start_recording()
        elif self.phase is Phase.RECORDING:
            self.stop_recording()

    # -- speaking ----------------------------------------------------------------------------------
    def start_recording(self) -> None:
        if self.phase not in ANSWERABLE or self.turn is None or self.session_id is None:
            return
        token = self._next_token()
        self._set_phase(Phase.STARTING)

        def on_update(transcript: Transcript) -> None:  # transcriber thread
            self.runner.post(lambda: self._guarded(token, self._live_update)(transcript))

        def on_error(_exc: KnownError) -> None:  # audio watchdog thread; the result carries the error
            self.runner.post(lambda: self._guarded(token, lambda _: self.stop_recording())(None))

        services, session_id, turn, limit = self.services, self.session_id, self.turn, float(self._time_limit_s())

        def start() -> jobs.StartedAnswer:
            return jobs.start_spoken(
                services, session_id, turn, limit, on_update=on_update, on_error=on_error, closing=self._closing
            )

        self.runner.submit(start, self._guarded(token, self._recording_started), self._guarded(token, self._mic_failed))

    def _recording_started(self, started: jobs.StartedAnswer) -> None:
        self.attempt_id = started.attempt_id
        self._audio_path = started.wav_path
        self._recording, self._live = started.recording, started.live
        self._set_phase(Phase.RECORDING)

    def _mic_failed(self, exc: Exception) -> None:
        """Nothing is being recorded: no microphone, no speech model, or a stream that would not open."""
        self._set_phase(Phase.QUESTION)
        self._raise(microphone_problem(exc))

    def _live_update(self, transcript: Transcript) -> None:
        if self.phase in (Phase.RECORDING, Phase.TRANSCRIBING):
            self._show_text(transcript.text)

    def _show_text(self, text: str) -> None:
        self.live_text = text
        self._emit(LiveTextChanged(text))

    def stop_recording(self) -> None:
        recording, live, attempt_id = self._recording, self._live, self.attempt_id
        if self.phase is not Phase.RECORDING or recording is None or live is None or attempt_id is None:
            return
        self._recording = None
        services = self.services
        token = self._next_token()
        self._set_phase(Phase.TRANSCRIBING)

        def stopped(result: RecordingResultLike) -> None:
            if result.error is not None:
                self._raise(Problem(result.error, hint="what was recorded so far is kept and will be transcribed"))
            self.runner.submit(
                live.finish, self._guarded(token, self._transcribed), self._guarded(token, self._transcription_failed)
            )

        def stop_failed(_exc: Exception) -> None:  # the answer is marked recorded; its file is transcribed
            live.cancel(wait=False)
            self._transcribe_file()

        self.runner.submit(
            lambda: jobs.stop_recording(services, attempt_id, recording),
            self._guarded(token, stopped),
            self._guarded(token, stop_failed),
        )

    def _transcribe_file(self) -> None:
        """Transcribe the saved WAV from scratch: after a failed live transcription or a device failure."""
        token = self._next_token()
        self._set_phase(Phase.TRANSCRIBING)
        path, transcribe = self._audio_path, self.services.transcribe_file
        if path is None:
            self._transcription_failed(KnownError("this answer has no recording to transcribe"))
            return
        self.runner.submit(
            lambda: transcribe(path),
            self._guarded(token, self._transcribed),
            self._guarded(token, self._transcription_failed),
            serial=True,
        )

    def _transcription_failed(self, exc: Exception) -> None:
        problem = Problem(exc, (Action.RETRY_TRANSCRIPTION,), "the recording is saved", "transcribing")
        self._fail(Phase.TRANSCRIPTION_FAILED, problem)

    def _transcribed(self, transcript: Transcript) -> None:
        self._live = None
        self._transcript = transcript
        self._show_text(transcript.text)
        self._score("auto")

    # -- typing ------------------------------------------------------------------------------------
    def submit_typed(self, text: str) -> None:
        """A typed answer instead of a spoken one; scored exactly like a transcript."""
        text = text.strip()
        if self.phase not in ANSWERABLE or self.turn is None or self.session_id is None or not text:
            return
        self._transcript = Transcript(text=text, engine="typed", model="")
        self._show_text(text)
        self._score("auto")

    # -- scoring -----------------------------------------------------------------------------------
    def _score(self, scorer: ScorerChoice) -> None:
        """Score the answer on a worker, which stores a new transcript first and reads the answer back."""
        assert self.session_id is not None and self.turn is not None
        services, session_id, turn = self.services, self.session_id, self.turn
        attempt_id, transcript = self.attempt_id, self._transcript
        token = self._next_token()

        def progressed(progress: ScoringProgress) -> None:  # the scoring thread
            self.runner.post(lambda: self._guarded(token, self._progressed)(progress))

        call = self._scoring = ScoringCall(progressed)
        self._set_phase(Phase.SCORING)

        def job() -> jobs.ScoredAnswer:
            if attempt_id is None:  # a typed answer: its row is made with its transcript
                assert transcript is not None
                return jobs.score_typed(services, session_id, turn, transcript, scorer, call=call)
            return jobs.score_answer(services, session_id, attempt_id, scorer, transcript, call=call)

        def scored(outcome: jobs.ScoredAnswer) -> None:
            self._scoring = None
            self._transcript = None
            self.record = outcome.stored.record
            self.story = outcome.story
            self.attempt_id = self.record.id
            self._comparable = outcome.stored.comparable
            if outcome.error is None:
                self._set_phase(Phase.FEEDBACK)
            elif isinstance(outcome.error, ScoringCancelledError) and call.cancelled:
                # The candidate asked for it, so it is no message; the page offers scoring again.
                self.problem = scoring_problem(outcome.error, scorer)
                self._set_phase(Phase.SCORING_FAILED)
            else:
                self._fail(Phase.SCORING_FAILED, scoring_problem(outcome.error, scorer))

        def failed(exc: Exception) -> None:  # the answer could not be stored or read back
            self._scoring = None
            self._fail(Phase.SCORING_FAILED, scoring_problem(exc, scorer))

        self.runner.submit(job, self._guarded(token, scored), self._guarded(token, failed))

    def _progressed(self, progress: ScoringProgress) -> None:
        if self.phase is Phase.SCORING:
            self._emit(ScoringProgressed(progress))

    def cancel_scoring(self) -> None:
        """Stop judging the answer: the call ends within moments, nothing is stored, and the answer (saved with
        its transcript) can be scored again or offline from the failure phase that follows."""
        if self.phase is Phase.SCORING and self._scoring is not None:
            self._scoring.cancel()

    def retry(self) -> None:
        """Retry the step that failed: transcription from the saved audio, or scoring the saved transcript."""
        if self.phase is Phase.TRANSCRIPTION_FAILED:
            self._transcribe_file()
        elif self.phase is Phase.SCORING_FAILED:
            self._score("auto")

    def score_offline(self) -> None:
        if self.phase is Phase.SCORING_FAILED:
            self._score("offline")

    # -- after feedback ----------------------------------------------------------------------------
    def next_question(self) -> None:
        if self.phase not in SETTLED or self.plan is None:
            return
        if self._is_last_question():
            self.finish()
            return
        self.index += 1
        self._present(self._plan_turn(self.index))

    def answer_follow_up(self) -> None:
        text = self._follow_up_text()
        if self.phase is not Phase.FEEDBACK or text is None or self.turn is None:
            return
        depth = self.turn.follow_up_depth + 1
        question = follow_up_question(self.turn.question, text, depth)
        self._present(Turn(question, self.turn.competency, TurnKind.FOLLOW_UP, self.attempt_id, depth))

    def retry_question(self) -> None:
        """Answer the same question again; the new attempt points at this one so the two can be compared."""
        if self.phase not in SETTLED or self.turn is None:
            return
        parent = self.attempt_id if self.attempt_id is not None else self.turn.parent_attempt_id
        self._present(Turn(self.turn.question, self.turn.competency, TurnKind.RETRY, parent, self.turn.follow_up_depth))

    def finish(self) -> None:
        """End the session and build the summary (history is read in the background)."""
        if self.phase not in SETTLED or self.session_id is None:
            return
        session_id, services = self.session_id, self.services
        self.sessions.end(session_id)
        token = self._next_token()
        self._set_phase(Phase.SUMMARIZING)

        def summarised(end: jobs.SessionEnd) -> None:
            self.report = end.report
            self._set_phase(Phase.SUMMARY)
            if end.history_error is not None:
                hint = "the comparison with earlier sessions is missing"
                self._raise(Problem(end.history_error, hint=hint, step="summarising"))

        def failed(exc: Exception) -> None:  # the session's own answers could not be read
            self._set_phase(Phase.IDLE)
            self._raise(Problem(exc, step="summarising"))

        self.runner.submit(
            lambda: jobs.summarise(services, session_id), self._guarded(token, summarised), self._guarded(token, failed)
        )

    def close(self) -> None:
        """Stop everything now (the app is quitting): the recording is saved, the session ended.

        A stream still opening is stopped by its own worker; the attempt stays `recording` and is
        recovered at the next start.
        """
        self._closing.set()
        self._next_token()
        if self._scoring is not None:
            self._scoring.cancel()
            self._scoring = None
        recording = self._recording if self.phase is Phase.RECORDING else None
        live = self._live if self.phase is not Phase.STARTING else None
        self._recording = self._live = None
        if recording is not None:
            try:
                result = recording.stop()
                if self.attempt_id is not None:
                    # Nothing can wait for a worker while the app quits: this one write runs here, on its own
                    # connection.
                    self.services.answers.set_recorded(self.attempt_id, result.duration_s, reason="the app was closed")
            except Exception:
                log.exception("stopping the recording at shutdown failed; it will be recovered at next start")
        if live is not None:
            live.cancel()
        if self.session_id is not None and self.phase not in (Phase.SUMMARY, Phase.SUMMARIZING, Phase.IDLE):
            self.sessions.end(self.session_id)
        self.phase = Phase.IDLE
        self.session_id = None
