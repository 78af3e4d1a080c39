"""The speech model in its own process: real tiny.en transcribing real speech, errors, restarts and closing."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator

import pytest

from tests.support.speech import librivox_clips, read_wav
from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.speech_process import ProcessEngine

pytestmark = pytest.mark.slow


@pytest.fixture
def engine() -> Iterator[ProcessEngine]:
    made = ProcessEngine(TranscriptionSettings())
    yield made
    made.close()
    assert multiprocessing.active_children() == []


def test_transcribes_real_speech_in_a_child_process(engine: ProcessEngine) -> None:
    clip = librivox_clips()[1]
    engine.prepare()
    assert engine.model_name == "tiny.en"
    transcript = engine.transcribe(read_wav(clip.path))
    heard = set(transcript.text.lower().replace(",", "").replace(".", "").split())
    assert len(heard & set(clip.reference.split())) >= len(set(clip.reference.split())) // 2
    assert transcript.words and transcript.words[0].start >= 0
    assert transcript.engine == "faster-whisper"


def test_a_model_that_cannot_load_is_a_transcription_error() -> None:
    broken = ProcessEngine(TranscriptionSettings(model="/nonexistent/whisper-model"))
    try:
        with pytest.raises(TranscriptionError):
            broken.prepare()
    finally:
        broken.close()


def test_a_child_that_dies_is_restarted_on_the_next_call(engine: ProcessEngine) -> None:
    engine.prepare()
    (child,) = multiprocessing.active_children()
    child.kill()
    child.join()
    clip = librivox_clips()[0]
    transcript = engine.transcribe(read_wav(clip.path))  # a fresh child loads the model again
    assert transcript.text
    assert multiprocessing.active_children() != [child]


def test_closing_releases_a_caller_that_is_waiting(engine: ProcessEngine) -> None:
    engine.prepare()
    audio = read_wav(librivox_clips()[2].path)
    outcome: list[BaseException | str] = []
    started = threading.Event()

    def call() -> None:
        started.set()
        try:
            outcome.append(engine.transcribe(audio).text)
        except TranscriptionError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    started.wait()
    engine.close()
    caller.join(timeout=10)
    assert not caller.is_alive()
    assert len(outcome) == 1  # it finished, or failed cleanly: never hangs
    with pytest.raises(TranscriptionError, match="closing"):
        engine.transcribe(audio)
