"""The real services behind a practice session: microphone, speech model, scorer, history and answer storage.

Everything here runs on worker threads; each job that touches the database opens its own connection, so
the GUI thread's connection is never shared across threads.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from tpm_coach.config import Settings
from tpm_coach.domain import AttemptRecord, Competency, DeliveryMetrics, Question, ScoreResult, Transcript
from tpm_coach.errors import KnownError
from tpm_coach.paths import DataPaths
from tpm_coach.practice.answers import AnswerStore, attempts_for_worker
from tpm_coach.practice.ports import LiveTranscriber, PracticeServices, Recording, Samples
from tpm_coach.practice.scoring_call import ScoringCall
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.stories import StoryMatch, StoryStore, stories_path
from tpm_coach.stories.linking import StoryLinker
from tpm_coach.transcription.speech_model import SpeechModel

if TYPE_CHECKING:
    from tpm_coach.call_guard import Cancellation

__all__ = ["attempts_for_worker", "build_services", "preload_answer_path"]


def _sounddevice() -> ModuleType:
    from tpm_coach.audio.devices import import_sounddevice

    return import_sounddevice()


def preload_answer_path(settings: Settings) -> None:
    """Import what recording, transcribing and scoring an answer need, ahead of the first one.

    They are imported on first use to keep start-up short; but that use came as the first question showed and
    the microphone opened, and an import holds the interpreter between its steps while the window waits for
    it (`openai` alone takes 0.35 s; bench/ui_stall.py: a 93 ms pause while opening the microphone).
    `sounddevice` is not among them: importing it lists the audio devices, and a headset plugged in before the
    first answer should be on that list.
    """
    modules = ["tpm_coach.audio.recorder", "tpm_coach.transcription.incremental", "tpm_coach.language"]
    if settings.llm.enabled:
        modules += ["tpm_coach.scoring.llm", "tpm_coach.scoring.warm"]
    for name in modules:
        importlib.import_module(name)


def build_services(
    settings: Callable[[], Settings],
    data_paths: DataPaths,
    speech: SpeechModel,
    *,
    sounddevice: Callable[[], ModuleType] = _sounddevice,
    scorers: Callable[[ScorerChoice], Scorer] | None = None,
    cancellation: Cancellation | None = None,
) -> PracticeServices:
    """`settings` returns the current settings, so a change in Settings applies to the next answer.

    `scorers` builds the scorer for each request; by default the LLM or offline scorer the settings choose.
    `cancellation` stops every LLM call the services make (the window cancels it when closing).
    """
    db_path = data_paths.database

    def device() -> str | None:
        return settings().audio.input_device or None

    def check_microphone() -> None:
        from tpm_coach.audio.devices import resolve_input_device

        resolve_input_device(sounddevice(), device())

    def new_recording(
        wav_path: Path,
        *,
        time_limit_s: float | None,
        on_block: Callable[[Samples], None],
        on_error: Callable[[KnownError], None],
    ) -> Recording:
        from tpm_coach.audio.recorder import Recorder

        return Recorder(
            sounddevice(),
            wav_path,
            device=device(),
            samplerate=16000,
            time_limit_s=time_limit_s,
            listeners=[on_block],
            on_error=on_error,
        )

    def new_live_transcriber(on_update: Callable[[Transcript], None]) -> LiveTranscriber:
        from tpm_coach.transcription.incremental import IncrementalTranscriber

        return IncrementalTranscriber(speech.engine(), on_update=on_update)

    def transcribe_file(path: Path) -> Transcript:
        from tpm_coach.audio.loader import load_audio
        from tpm_coach.transcription.incremental import transcribe_recording

        return transcribe_recording(speech.engine(), load_audio(path))

    def delivery_metrics(transcript: Transcript) -> DeliveryMetrics:
        from tpm_coach.language import compute_delivery_metrics

        return compute_delivery_metrics(transcript)

    def score_attempt(attempt_id: int, scorer: ScorerChoice, call: ScoringCall | None = None) -> ScoreResult:
        from tpm_coach.scoring import ScoringService, scorer_factory

        with attempts_for_worker(db_path) as attempts:
            on_progress = call.report if call is not None else None
            factory = scorers or scorer_factory(
                lambda: settings().llm, cancellation=cancellation, on_progress=on_progress
            )
            if call is not None:
                factory = call.watching(factory)
            return ScoringService(attempts, factory).score_attempt(attempt_id, scorer=scorer)

    def warm_judge(question: Question, competency: Competency) -> bool:
        from tpm_coach.scoring.warm import warm_judge as warm

        # A local judge needs no key; one that wants it is simply not warmed.
        return warm(settings().llm, question, competency, cancellation=cancellation)

    linker = StoryLinker(StoryStore(stories_path(data_paths)).load)

    def link_story(attempt_id: int) -> StoryMatch | None:
        return linker.link_in(db_path, attempt_id)

    def load_history() -> list[AttemptRecord]:
        with attempts_for_worker(db_path) as attempts:
            return attempts.list_scored()

    return PracticeServices(
        check_microphone=check_microphone,
        new_recording=new_recording,
        new_live_transcriber=new_live_transcriber,
        transcribe_file=transcribe_file,
        delivery_metrics=delivery_metrics,
        score_attempt=score_attempt,
        load_history=load_history,
        answers=AnswerStore(data_paths),
        warm_judge=None if scorers is not None else warm_judge,
        link_story=link_story,
    )
