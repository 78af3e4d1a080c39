"""The practice state machine: question -> thinking -> recording -> transcribing -> scoring -> feedback.

Plain Python: blocking steps go through the injected TaskRunner and come back as callbacks on the
controller's thread, so the GUI thread never waits. Each background step carries a token; a result
that arrives after the session moved on is ignored.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tpm_coach.banks import BankLibrary
from tpm_coach.config import PracticeSettings
from tpm_coach.domain import Transcript
from tpm_coach.errors import AudioDeviceError, EmptyAnswerError, KnownError
from tpm_coach.paths import DataPaths
from tpm_coach.practice.delivery import measure_delivery
from tpm_coach.practice.events import (
    Action,
    Event,
    LiveTextChanged,
    PhaseChanged,
    Problem,
    ProblemRaised,
    SessionStarted,
)
from tpm_coach.practice.phase import ANSWERABLE, SETTLED, Phase
from tpm_coach.practice.plan import SessionOptions, SessionPlan, build_plan
from tpm_coach.practice.ports import LiveTranscriber, PracticeServices, Recording, RecordingResultLike, TaskRunner
from tpm_coach.practice.summary import SessionReport, build_report
from tpm_coach.practice.turn import Turn, TurnKind, follow_up_question, next_follow_up
from tpm_coach.scoring.base import ScorerChoice
from tpm_coach.storage import AttemptRecord, AttemptRepository, SessionRepository

log = logging.getLogger(__name__)

_MIC_HINT = "type your answer instead, or pick a device in Settings"


class PracticeController:
    def __init__(
        self,
        *,
        library: BankLibrary,
        sessions: SessionRepository,
        attempts: AttemptRepository,
        data_paths: DataPaths,
        services: PracticeServices,
        runner: TaskRunner,
        settings: PracticeSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.library = library
        self.sessions = sessions
        self.attempts = attempts
        self.data_paths = data_paths
        self.services = services
        self.runner = runner
        self.settings = settings
        self.clock = clock
        self.phase = Phase.IDLE
        self.plan: SessionPlan | None = None
        self.session_id: int | None = None
        self.index = 0
        self.turn: Turn | None = None
        self.attempt_id: int | None = None
        self.record: AttemptRecord | None = None  # the current attempt once transcribed or scored
        self.report: SessionReport | None = None
        self.live_text = ""
        self.problem: Problem | None = None
        self._listeners: list[Callable[[Event], None]] = []
        self._token = 0
        self._thinking_deadline = 0.0
        self._recording: Recording | None = None
        self._live: LiveTranscriber | None = None
        self._closing = threading.Event()

    # -- observation -------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _set_phase(self, phase: Phase) -> None:
        previous, self.phase = self.phase, phase
        if phase is not Phase.SCORING_FAILED and phase is not Phase.TRANSCRIPTION_FAILED:
            self.problem = None
        self._emit(PhaseChanged(phase, previous))

    def _raise(self, problem: Problem) -> None:
        self.problem = problem
        self._emit(ProblemRaised(problem))

    def _fail(self, phase: Phase, problem: Problem) -> None:
        """Enter a failure phase with its problem already set, so the view renders both together."""
        self.problem = problem
        self._set_phase(phase)
        self._emit(ProblemRaised(problem))

    def _next_token(self) -> int:
        self._token += 1
        return self._token

    def _guarded(self, token: int, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a callback so it does nothing if the session moved on since `token` was taken."""

        def call(value: Any) -> None:
            if token == self._token:
                fn(value)
            else:
                log.debug("ignoring a late result for an earlier step")

        return call

    # -- what the view reads -----------------------------------------------------------------------
    @property
    def position(self) -> tuple[int, int]:
        """(1-based number of the current plan question, number of questions)."""
        return (self.index + 1, len(self.plan) if self.plan else 0)

    @property
    def is_last_question(self) -> bool:
        return self.plan is None or self.index + 1 >= len(self.plan)

    @property
    def time_limit_s(self) -> int:
        if self.turn and self.turn.time_limit_s:
            return self.turn.time_limit_s
        return self.settings.default_time_limit_s

    def thinking_remaining(self) -> float:
        return max(0.0, self._thinking_deadline - self.clock()) if self.phase is Phase.THINKING else 0.0

    @property
    def elapsed_s(self) -> float:
        return self._recording.elapsed_s if self._recording and self.phase is Phase.RECORDING else 0.0

    @property
    def level(self) -> float:
        return self._recording.level if self._recording and self.phase is Phase.RECORDING else 0.0

    def follow_up_text(self) -> str | None:
        if self.record is None or self.record.score is None or self.turn is None or self.plan is None:
            return None
        root = self.plan.questions[self.index]
        return next_follow_up(root, self.record.score.follow_up, self.turn.follow_up_depth)

    def attempts_at_current_question(self) -> list[AttemptRecord]:
        """This session's answers to the current question (retries), oldest first, for comparison."""
        if self.session_id is None or self.turn is None:
            return []
        qid = self.turn.question.id
        return [r for r in self.attempts.list_for_session(self.session_id) if r.question.id == qid]

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
        self.live_text = ""
        self._emit(LiveTextChanged(""))
        if self.settings.thinking_seconds > 0:
            self._thinking_deadline = self.clock() + self.settings.thinking_seconds
            self._set_phase(Phase.THINKING)
        else:
            self._set_phase(Phase.QUESTION)

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
        if self.phase not in ANSWERABLE:
            return
        token = self._next_token()
        self._set_phase(Phase.STARTING)
        self.runner.submit(
            self.services.check_microphone,
            self._guarded(token, lambda _: self._open_recording(token)),
            self._guarded(token, self._microphone_failed),
        )

    def _microphone_failed(self, exc: Exception) -> None:
        self._set_phase(Phase.QUESTION)
        if isinstance(exc, AudioDeviceError):
            self._raise(Problem(exc, (Action.TYPE_ANSWER, Action.AUDIO_SETTINGS), _MIC_HINT, "opening the mic"))
        else:
            self._raise(Problem(exc, (Action.TYPE_ANSWER,), step="starting to record"))

    def _open_recording(self, token: int) -> None:
        assert self.turn is not None
        assert self.session_id is not None

        def on_update(transcript: Transcript) -> None:  # transcriber thread
            self.runner.post(lambda: self._guarded(token, self._live_update)(transcript))

        def on_error(_exc: KnownError) -> None:  # audio watchdog thread; the result carries the error
            self.runner.post(lambda: self._guarded(token, lambda _: self.stop_recording())(None))

        try:
            self._live = self.services.new_live_transcriber(on_update)
        except Exception as exc:  # e.g. a remote engine with no address: nothing recorded yet
            self._microphone_failed(exc)
            return
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        wav_path = self.data_paths.audio / f"session-{self.session_id}" / f"{stamp}.wav"
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        # The row exists (status recording, audio path set) before any audio does, so a crash is recoverable.
        self.attempt_id = self.attempts.create(
            self.session_id,
            self.turn.question,
            self.turn.competency,
            answer_mode="spoken",
            audio_path=self.data_paths.relative(wav_path),
            parent_attempt_id=self.turn.parent_attempt_id,
        )
        try:
            self._recording = self.services.new_recording(
                wav_path, time_limit_s=float(self.time_limit_s), on_block=self._live.feed, on_error=on_error
            )
        except Exception as exc:
            self._recording_failed(exc)
            return
        recording = self._recording

        def start() -> None:  # worker thread
            recording.start()
            if self._closing.is_set():  # the app closed while the stream was opening
                recording.stop()

        self.runner.submit(
            start,
            self._guarded(token, lambda _: self._set_phase(Phase.RECORDING)),
            self._guarded(token, self._recording_failed),
        )

    def _recording_failed(self, exc: Exception) -> None:
        """The stream could not be opened: the empty attempt is closed with the reason, nothing else is lost."""
        if self._live is not None:
            self._live.cancel(wait=False)
        self._live = None
        self._recording = None
        if self.attempt_id is not None:
            self.attempts.set_recorded(self.attempt_id, 0.0, reason=f"the microphone could not be opened: {exc}")
        self.attempt_id = None
        self._microphone_failed(exc)

    def _live_update(self, transcript: Transcript) -> None:
        if self.phase in (Phase.RECORDING, Phase.TRANSCRIBING):
            self.live_text = transcript.text
            self._emit(LiveTextChanged(transcript.text))

    def stop_recording(self) -> None:
        if self.phase is not Phase.RECORDING or self._recording is None:
            return
        recording, live = self._recording, self._live
        self._recording = None
        token = self._next_token()
        self._set_phase(Phase.TRANSCRIBING)

        def stopped(result: RecordingResultLike) -> None:
            assert self.attempt_id is not None
            reason = "" if result.error is None else str(result.error)
            self.attempts.set_recorded(self.attempt_id, result.duration_s, reason=reason)
            if result.error is not None:
                self._raise(Problem(result.error, hint="what was recorded so far is kept and will be transcribed"))
            if live is None:
                self._transcribe_file()
                return
            self.runner.submit(live.finish, self._guarded(token, self._transcribed), self._guarded(token, failed))

        def stop_failed(exc: Exception) -> None:
            assert self.attempt_id is not None
            if live is not None:
                live.cancel(wait=False)
            self.attempts.set_recorded(self.attempt_id, recording.elapsed_s, reason=f"recording ended early: {exc}")
            self._transcribe_file()

        def failed(exc: Exception) -> None:
            self._fail(
                Phase.TRANSCRIPTION_FAILED,
                Problem(exc, (Action.RETRY_TRANSCRIPTION,), "the recording is saved", "transcribing"),
            )

        self.runner.submit(recording.stop, self._guarded(token, stopped), self._guarded(token, stop_failed))

    def _transcribe_file(self) -> None:
        """Transcribe the saved WAV from scratch: after a failed live transcription or a device failure."""
        assert self.attempt_id is not None
        record = self.attempts.get(self.attempt_id)
        token = self._next_token()
        self._set_phase(Phase.TRANSCRIBING)

        def failed(exc: Exception) -> None:
            self._fail(
                Phase.TRANSCRIPTION_FAILED,
                Problem(exc, (Action.RETRY_TRANSCRIPTION,), "the recording is saved", "transcribing"),
            )

        if record.audio_path is None:
            failed(KnownError("this answer has no recording to transcribe"))
            return
        path = self.data_paths.absolute(record.audio_path)
        self.runner.submit(
            lambda: self.services.transcribe_file(path),
            self._guarded(token, self._transcribed),
            self._guarded(token, failed),
            serial=True,
        )

    def _transcribed(self, transcript: Transcript) -> None:
        assert self.attempt_id is not None
        self._live = None
        self.live_text = transcript.text
        self._emit(LiveTextChanged(transcript.text))
        metrics = measure_delivery(self.services.delivery_metrics, transcript)
        self.attempts.save_transcript(self.attempt_id, transcript, metrics)
        self._score("auto")

    # -- typing ------------------------------------------------------------------------------------
    def submit_typed(self, text: str) -> None:
        """A typed answer instead of a spoken one; scored exactly like a transcript."""
        text = text.strip()
        if self.phase not in ANSWERABLE or self.turn is None or self.session_id is None or not text:
            return
        self._next_token()
        self.attempt_id = self.attempts.create(
            self.session_id,
            self.turn.question,
            self.turn.competency,
            answer_mode="typed",
            parent_attempt_id=self.turn.parent_attempt_id,
        )
        self._transcribed(Transcript(text=text, engine="typed", model=""))

    # -- scoring -----------------------------------------------------------------------------------
    def _score(self, scorer: ScorerChoice) -> None:
        assert self.attempt_id is not None
        attempt_id = self.attempt_id
        token = self._next_token()
        self._set_phase(Phase.SCORING)

        def scored(_: object) -> None:
            self.record = self.attempts.get(attempt_id)
            self._set_phase(Phase.FEEDBACK)

        def failed(exc: Exception) -> None:  # the scoring job stored the failure on the attempt
            self.record = self.attempts.get(attempt_id)
            if isinstance(exc, EmptyAnswerError):
                actions: tuple[Action, ...] = (Action.RECORD_AGAIN, Action.TYPE_ANSWER)
            elif scorer == "offline":
                actions = (Action.RETRY_SCORING,)
            else:
                actions = (Action.RETRY_SCORING, Action.SCORE_OFFLINE, Action.LLM_SETTINGS)
            self._fail(Phase.SCORING_FAILED, Problem(exc, actions, step="scoring"))

        self.runner.submit(
            lambda: self.services.score_attempt(attempt_id, scorer),
            self._guarded(token, scored),
            self._guarded(token, failed),
        )

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
        if self.is_last_question:
            self.finish()
            return
        self.index += 1
        self._present(self._plan_turn(self.index))

    def answer_follow_up(self) -> None:
        text = self.follow_up_text()
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
        session_id = self.session_id
        self.sessions.end(session_id)
        token = self._next_token()
        self._set_phase(Phase.SUMMARIZING)

        def summarised(history: list[AttemptRecord]) -> None:
            self.report = build_report(session_id, self.attempts.list_for_session(session_id), history)
            self._set_phase(Phase.SUMMARY)

        def failed(exc: Exception) -> None:
            self.report = build_report(session_id, self.attempts.list_for_session(session_id), [])
            self._set_phase(Phase.SUMMARY)
            self._raise(Problem(exc, hint="the comparison with earlier sessions is missing", step="summarising"))

        self.runner.submit(self.services.load_history, self._guarded(token, summarised), self._guarded(token, failed))

    def close(self) -> None:
        """Stop everything now (the app is quitting): the recording is saved, the session ended.

        A stream still opening is stopped by its own worker; the attempt stays `recording` and is
        recovered at the next start.
        """
        self._closing.set()
        self._next_token()
        recording = self._recording if self.phase is Phase.RECORDING else None
        live = self._live if self.phase is not Phase.STARTING else None
        self._recording = self._live = None
        if recording is not None:
            try:
                result = recording.stop()
                if self.attempt_id is not None:
                    self.attempts.set_recorded(self.attempt_id, result.duration_s, reason="the app was closed")
            except Exception:
                log.exception("stopping the recording at shutdown failed; it will be recovered at next start")
        if live is not None:
            live.cancel()
        if self.session_id is not None and self.phase not in (Phase.SUMMARY, Phase.SUMMARIZING, Phase.IDLE):
            self.sessions.end(self.session_id)
        self.phase = Phase.IDLE
        self.session_id = None
