"""One explanation for each way an OpenAI-compatible server fails, whichever part of the app made the call.

The scorer, Settings' connection check and remote transcription each call a real loopback server that
fails the same way; each must say the same thing, with a hint, and never repeat the key the server echoed.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import openai
import pytest

from tests.support.domain import sample_competency, sample_question
from tests.support.openai_server import OpenAIStubServer, Reply
from tests.support.transcription_server import ScriptedReply, TranscriptionStubServer
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.errors import KnownError
from tpm_coach.scoring.connection_check import check_llm_connection
from tpm_coach.scoring.llm import LlmScorer, build_openai_client
from tpm_coach.transcription.engine_remote import RemoteEngine

KEY = "gw-Unit-8a7b6c5d4e3f2a1b"  # not credential-shaped: hidden only because its value is known
ANSWER = "I would ship it behind a flag to one region first and rehearse the rollback before the launch."
AUDIO = (0.3 * np.sin(2 * np.pi * 220 * np.arange(16000) / 16000)).astype(np.float32)

# (HTTP status, error message from the server) or None for a port nobody listens on.
FAILURES = {
    "refused-key": ((401, f"Incorrect API key provided: {KEY}"), "refused the API key (HTTP 401)"),
    "no-model": ((404, "The model 'm' does not exist"), "has no model 'm' or no such endpoint (HTTP 404)"),
    "server-error": ((500, "the model crashed"), "failed with HTTP 500"),
    "unreachable": (None, "Cannot reach the"),
}

Call = Callable[[str], None]


def score(base_url: str) -> None:
    settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url=base_url, model="m")
    scorer = LlmScorer(build_openai_client(settings, KEY), "m", max_retries=0, owns_client=True, sleep=lambda _: None)
    try:
        scorer.score(sample_question(), sample_competency(), ANSWER)
    finally:
        scorer.close()


def check_connection(base_url: str) -> None:
    check_llm_connection(LlmSettings(provider=LlmProvider.CUSTOM, base_url=base_url, model="m"), KEY)


def transcribe(base_url: str) -> None:
    with openai.OpenAI(base_url=base_url, api_key=KEY, max_retries=0, timeout=5) as client:
        RemoteEngine(client, model="m").transcribe(AUDIO)


@contextmanager
def chat_server(status: int, message: str) -> Iterator[str]:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()
    with OpenAIStubServer(default=Reply(status=status, raw_body=body)) as server:
        yield server.base_url


@contextmanager
def transcription_server(status: int, message: str) -> Iterator[str]:
    with TranscriptionStubServer(default=ScriptedReply(status, {"error": {"message": message}})) as server:
        yield server.base_url


CALLERS = {
    "scorer": (score, chat_server),
    "connection-check": (check_connection, chat_server),
    "remote-transcription": (transcribe, transcription_server),
}


@contextmanager
def closed_port() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    yield url


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("caller", list(CALLERS))
def test_every_caller_explains_a_failure_the_same_way_without_the_key(caller: str, failure: str) -> None:
    call, serve = CALLERS[caller]
    reply, expected = FAILURES[failure]
    with closed_port() if reply is None else serve(*reply) as base_url, pytest.raises(KnownError) as caught:
        call(base_url)
    error = caught.value
    assert expected in error.message
    assert error.hint
    assert KEY not in str(error)
    if failure == "refused-key":
        assert "[REDACTED]" in error.message  # the server's words are kept, the key is not
