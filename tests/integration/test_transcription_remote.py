"""The remote engine against a real HTTP server speaking the OpenAI transcription API (scripted replies)."""

from __future__ import annotations

import io
import socket
import wave
from collections.abc import Iterator

import numpy as np
import openai
import pytest

from tests.support.transcription_server import ScriptedReply, TranscriptionStubServer
from tpm_coach.config import TranscriptionEngine as EngineKind
from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import TranscriptionError
from tpm_coach.language import filler_count
from tpm_coach.transcription import create_engine
from tpm_coach.transcription.engine import FILLER_PROMPT
from tpm_coach.transcription.engine_remote import RemoteEngine

AUDIO = (0.3 * np.sin(2 * np.pi * 220 * np.arange(32000) / 16000)).astype(np.float32)
VERBOSE = {
    "task": "transcribe",
    "language": "english",
    "duration": 2.0,
    "text": " We shipped it on time.",
    "words": [
        {"word": "We", "start": 0.1, "end": 0.3},
        {"word": "shipped", "start": 0.35, "end": 0.7},
        {"word": "it", "start": 0.72, "end": 0.8},
        {"word": "on", "start": 0.9, "end": 1.0},
        {"word": "time.", "start": 1.05, "end": 1.4},
    ],
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.1,
            "end": 1.4,
            "text": " We shipped it on time.",
            "tokens": [],
            "temperature": 0.0,
            "avg_logprob": -0.2,
            "compression_ratio": 1.0,
            "no_speech_prob": 0.01,
        }
    ],
}


_CLIENTS: list[openai.OpenAI] = []


def new_client(base_url: str, api_key: str, timeout: float = 10) -> openai.OpenAI:
    client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout)
    _CLIENTS.append(client)
    return client


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    """The engine keeps its client for the app's lifetime; tests close theirs so no socket outlives them."""
    yield
    while _CLIENTS:
        _CLIENTS.pop().close()


def remote(server: TranscriptionStubServer) -> RemoteEngine:
    settings = TranscriptionSettings(
        engine=EngineKind.REMOTE, remote_base_url=server.base_url, remote_model="Systran/faster-whisper-small.en"
    )
    made: list[tuple[str, str]] = []

    def client(base_url: str, api_key: str) -> openai.OpenAI:
        made.append((base_url, api_key))
        return new_client(base_url, api_key)

    engine = create_engine(settings, openai_client_factory=client)
    assert made == [(server.base_url, "not-needed")]
    assert isinstance(engine, RemoteEngine)
    return engine


def test_words_with_timestamps_come_back_from_verbose_json() -> None:
    with TranscriptionStubServer() as server:
        server.script(ScriptedReply(body=VERBOSE))
        transcript = remote(server).transcribe(AUDIO, initial_prompt="Earlier text.")
    assert transcript.text == "We shipped it on time."
    assert [(w.word, w.start, w.end) for w in transcript.words][1] == ("shipped", 0.35, 0.7)
    assert (transcript.engine, transcript.model) == ("remote", "Systran/faster-whisper-small.en")
    upload = server.uploads[0]
    assert upload.path == "/v1/audio/transcriptions"
    assert upload.fields["response_format"] == ["verbose_json"]
    assert upload.fields["timestamp_granularities[]"] == ["word", "segment"]
    assert upload.fields["prompt"] == ["Earlier text."]
    assert upload.fields["language"] == ["en"]
    with wave.open(io.BytesIO(upload.file_bytes)) as sent:
        assert (sent.getframerate(), sent.getnchannels(), sent.getnframes()) == (16000, 1, 32000)


def test_the_first_stretch_is_prompted_with_fillers_so_the_server_keeps_them() -> None:
    with TranscriptionStubServer() as server:
        server.script(ScriptedReply(body=VERBOSE))
        remote(server).transcribe(AUDIO)
    [prompt] = server.uploads[0].fields["prompt"]
    assert prompt == FILLER_PROMPT and filler_count(prompt) >= 3


def test_a_server_without_verbose_json_is_asked_for_plain_json_and_timings_are_estimated() -> None:
    plain_only = ScriptedReply(body={"text": "We shipped it on time."}, only_format="json")
    with TranscriptionStubServer(default=plain_only) as server:
        engine = remote(server)
        first = engine.transcribe(AUDIO)
        engine.transcribe(AUDIO)
    assert first.text == "We shipped it on time."
    assert [w.word for w in first.words] == ["We", "shipped", "it", "on", "time."]
    assert first.words[-1].end == pytest.approx(2.0)
    formats = [u.fields["response_format"][0] for u in server.uploads]
    assert formats == ["verbose_json", "json", "json"]  # it remembers the server's limits


def test_segments_without_words_give_spread_timings() -> None:
    body = dict(VERBOSE, words=None)
    with TranscriptionStubServer() as server:
        server.script(ScriptedReply(body=body))
        transcript = remote(server).transcribe(AUDIO)
    assert transcript.words[0].start == pytest.approx(0.1)
    assert transcript.words[-1].end == pytest.approx(1.4)


def test_server_errors_and_unreachable_servers_are_transcription_errors() -> None:
    with TranscriptionStubServer() as server:
        server.script(ScriptedReply(500, {"error": {"message": "model crashed"}}))
        engine = remote(server)
        with pytest.raises(TranscriptionError, match="HTTP 500"):
            engine.transcribe(AUDIO)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = TranscriptionSettings(engine=EngineKind.REMOTE, remote_base_url=f"http://127.0.0.1:{port}/v1")
    engine = create_engine(
        settings,
        openai_client_factory=lambda url, key: new_client(url, key, timeout=5),
    )
    with pytest.raises(TranscriptionError, match="Cannot reach the transcription server"):
        engine.transcribe(AUDIO)


def test_remote_without_an_address_is_a_settings_error() -> None:
    with pytest.raises(TranscriptionError, match="no server address"):
        create_engine(TranscriptionSettings(engine=EngineKind.REMOTE))
