"""Stand-ins for the practice controller's collaborators where a unit test cannot run the real part.

- `QueueRunner`: runs "background" jobs when the test says so, on the test's thread, so every
  intermediate phase can be observed. It is a real TaskRunner, just without threads; it counts the jobs.
- `FakeRecording` / `FakeLiveTranscriber`: fakes for the microphone and the speech model (unit tests have
  neither); they write a real WAV file and return a scripted transcript. The UI tests use the real ones.
Scoring, storage and the banks are real. `make_harness` wires them; `start` and `problems` drive and read it.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tpm_coach.banks import BankLibrary
from tpm_coach.config import LlmSettings, PracticeSettings, Settings
from tpm_coach.domain import Competency, DeliveryMetrics, Question, Transcript, Word
from tpm_coach.errors import KnownError
from tpm_coach.paths import DataPaths
from tpm_coach.practice import Phase, PracticeController, PracticeServices, ProblemRaised, SessionOptions
from tpm_coach.practice.events import Event, PhaseChanged
from tpm_coach.practice.scoring_call import ScoringCall
from tpm_coach.practice.wiring import build_services
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
from tpm_coach.transcription.speech_model import SpeechModel

STRONG_ANSWER = (
    "The situation was a payments migration with a hard regulatory deadline and three teams involved. "
    "My task was to plan the rollout and manage the risk of double charges. I mapped the dependencies, "
    "agreed an API contract, and we used idempotency keys with a staged rollout behind a feature flag. "
    "I set success rate and latency as stop signals and rehearsed the rollback. As a result we moved all "
    "traffic in six weeks with zero double charges and cut checkout latency by twenty percent."
)


class QueueRunner:
    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None], Callable[[Exception], None], bool]] = []
        self.posted: list[Callable[[], None]] = []
        self.submitted = 0

    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        *,
        serial: bool = False,
    ) -> None:
        self.submitted += 1
        self.jobs.append((job, on_done, on_error, serial))

    def post(self, fn: Callable[[], None]) -> None:
        self.posted.append(fn)

    def step(self) -> bool:
        """Run one pending callback or job; False when nothing is pending."""
        if self.posted:
            self.posted.pop(0)()
            return True
        if not self.jobs:
            return False
        job, on_done, on_error, _serial = self.jobs.pop(0)
        try:
            result = job()
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)
        return True

    def drain(self, limit: int = 100) -> None:
        for _ in range(limit):
            if not self.step():
                return
        raise AssertionError("the runner never became idle")


@dataclass
class RecordingResult:
    path: Path
    duration_s: float
    error: KnownError | None = None


class FakeRecording:
    """Writes `seconds` of a quiet tone to a real WAV file and feeds it to the listener in 0.1 s blocks."""

    def __init__(
        self,
        wav_path: Path,
        *,
        time_limit_s: float | None,
        on_block: Callable[[Any], None],
        on_error: Callable[[KnownError], None],
        script: Microphone,
    ) -> None:
        self.wav_path = wav_path
        self.time_limit_s = time_limit_s
        self.on_block = on_block
        self.on_error = on_error
        self.script = script
        self.level = 0.0
        self.elapsed_s = 0.0
        self.is_recording = False
        self.stopped = False

    def start(self) -> None:
        if self.script.fail_start is not None:
            raise self.script.fail_start
        self.script.before_start(self)
        self.is_recording = True
        samples = (0.1 * np.sin(np.arange(int(16000 * self.script.seconds)) * 0.05)).astype(np.float32)
        with wave.open(str(self.wav_path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes((samples * 32767).astype("<i2").tobytes())
        for start in range(0, len(samples), 1600):
            self.on_block(samples[start : start + 1600])
        self.level = 0.1
        self.elapsed_s = self.script.seconds

    def stop(self) -> RecordingResult:
        self.is_recording = False
        self.stopped = True
        return RecordingResult(self.wav_path, self.script.seconds, self.script.device_error)


class FakeLiveTranscriber:
    def __init__(self, on_update: Callable[[Transcript], None], script: Microphone) -> None:
        self.on_update = on_update
        self.script = script
        self.fed = 0
        self.cancelled = False

    def feed(self, samples: Any) -> None:
        self.fed += len(samples)
        words = self.script.text.split()[: 1 + self.fed // 16000]
        self.on_update(Transcript(text=" ".join(words)))

    def finish(self) -> Transcript:
        if self.script.fail_finish is not None:
            raise self.script.fail_finish
        return self.script.transcript()

    def cancel(self, *, wait: bool = True) -> None:
        self.cancelled = True


@dataclass
class Microphone:
    """What the fake microphone and speech model will do next."""

    text: str = STRONG_ANSWER
    seconds: float = 3.0
    missing: KnownError | None = None  # check_microphone raises this
    fail_start: Exception | None = None
    fail_finish: Exception | None = None
    device_error: KnownError | None = None
    before_start: Callable[[FakeRecording], None] = lambda _rec: None
    recordings: list[FakeRecording] = field(default_factory=list)
    live: list[FakeLiveTranscriber] = field(default_factory=list)

    def transcript(self) -> Transcript:
        words = [Word(word=w, start=i * 0.4, end=i * 0.4 + 0.3) for i, w in enumerate(self.text.split())]
        return Transcript(text=self.text, words=words, engine="fake", model="fake")


@dataclass
class Harness:
    controller: PracticeController
    runner: QueueRunner
    mic: Microphone
    attempts: AttemptRepository
    sessions: SessionRepository
    library: BankLibrary
    data_paths: DataPaths
    events: list[Event]
    clock: list[float]
    scores: list[str]  # scorer choice per scoring call
    db: Database


def simple_metrics(transcript: Transcript) -> DeliveryMetrics:
    count = len(transcript.text.split())
    return DeliveryMetrics(word_count=count, speaking_time_s=count * 0.4, words_per_minute=150.0)


def make_harness(
    tmp_path: Path,
    *,
    thinking_seconds: int = 0,
    score_failures: list[Exception] | None = None,
    scorers: Callable[[ScorerChoice], Scorer] | None = None,
    llm: LlmSettings | None = None,
    warm_judge: Callable[[Question, Competency], object] | None = None,
) -> Harness:
    data_paths = DataPaths(tmp_path / "data").ensure()
    db = Database.open(data_paths.database)
    attempts, sessions = AttemptRepository(db), SessionRepository(db)
    library = BankLibrary(data_paths.banks)
    settings = Settings(llm=llm or LlmSettings())  # by default the offline scorer: real, no network
    real = build_services(lambda: settings, data_paths, SpeechModel(lambda: settings.transcription), scorers=scorers)
    mic = Microphone()
    failures = list(score_failures or [])
    scores: list[str] = []

    def check_microphone() -> None:
        if mic.missing is not None:
            raise mic.missing

    def new_recording(
        wav_path: Path,
        *,
        time_limit_s: float | None,
        on_block: Callable[[Any], None],
        on_error: Callable[[KnownError], None],
    ) -> FakeRecording:
        recording = FakeRecording(wav_path, time_limit_s=time_limit_s, on_block=on_block, on_error=on_error, script=mic)
        mic.recordings.append(recording)
        return recording

    def new_live(on_update: Callable[[Transcript], None]) -> FakeLiveTranscriber:
        live = FakeLiveTranscriber(on_update, mic)
        mic.live.append(live)
        return live

    def score_attempt(attempt_id: int, scorer: ScorerChoice, call: ScoringCall | None = None) -> Any:
        scores.append(scorer)
        if failures:
            error = failures.pop(0)
            with_db = Database.open(data_paths.database)
            try:
                AttemptRepository(with_db).mark_scoring_failed(attempt_id, str(error))
            finally:
                with_db.close()
            raise error
        return real.score_attempt(attempt_id, scorer, call)

    services = PracticeServices(
        check_microphone=check_microphone,
        new_recording=new_recording,
        new_live_transcriber=new_live,
        transcribe_file=lambda _path: mic.transcript(),
        delivery_metrics=simple_metrics,
        score_attempt=score_attempt,
        load_history=real.load_history,
        answers=real.answers,
        warm_judge=warm_judge,
        link_story=real.link_story,
    )
    runner = QueueRunner()
    clock = [100.0]
    controller = PracticeController(
        library=library,
        sessions=sessions,
        services=services,
        runner=runner,
        settings=PracticeSettings(thinking_seconds=thinking_seconds),
        clock=lambda: clock[0],
    )
    events: list[Event] = []
    controller.subscribe(events.append)
    return Harness(controller, runner, mic, attempts, sessions, library, data_paths, events, clock, scores, db)


def start(h: Harness, count: int = 2, **options: object) -> None:
    """Plan a session of `count` questions and let the planning job finish."""
    h.controller.prepare(SessionOptions(count=count, **options))  # type: ignore[arg-type]
    h.runner.drain()


def problems(h: Harness) -> list[ProblemRaised]:
    return [e for e in h.events if isinstance(e, ProblemRaised)]


def phases(h: Harness) -> list[Phase]:
    return [e.phase for e in h.events if isinstance(e, PhaseChanged)]
