"""Remote transcription keeps the API key off plain HTTP to other computers, and no transcription outlives its
deadline or the app: a real transcription server on this machine, reached through a non-loopback address where
the key's route matters, and one that keeps sending a reply that never ends."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.support.network import this_machines_network_address
from tests.support.transcription_server import ScriptedReply, TranscriptionStubServer
from tpm_coach.config import TranscriptionEngine as EngineKind
from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import InsecureTransportError, KnownError, TranscriptionError
from tpm_coach.secrets import set_api_key
from tpm_coach.transcription import create_engine
from tpm_coach.transcription.engine_remote import DEADLINE_S, RemoteEngine
from tpm_coach.transcription.speech_model import SpeechModel

KEY = "sk-transcribe-0a1b2c3d4e5f6789"
AUDIO = (0.3 * np.sin(2 * np.pi * 220 * np.arange(16000) / 16000)).astype(np.float32)
TEXT = ScriptedReply(body={"text": "We shipped it on time."})
NEVER_ENDS = ScriptedReply(trickle_every_s=0.2)


def remote_settings(server: TranscriptionStubServer) -> TranscriptionSettings:
    return TranscriptionSettings(engine=EngineKind.REMOTE, remote_base_url=server.base_url, remote_model="whisper-1")


def remote_engine(
    server: TranscriptionStubServer, *, allowed: tuple[str, ...] = (), deadline_s: float = DEADLINE_S
) -> RemoteEngine:
    engine = create_engine(remote_settings(server), allowed_plain_http_hosts=allowed, remote_deadline_s=deadline_s)
    assert isinstance(engine, RemoteEngine)
    return engine


def test_the_key_is_not_sent_over_plain_http_to_another_computer_until_allowed() -> None:
    set_api_key(KEY)
    with TranscriptionStubServer(default=TEXT, host=this_machines_network_address()) as server:
        with pytest.raises(InsecureTransportError) as refused:
            create_engine(remote_settings(server))
        assert refused.value.host == server.host
        assert "Settings > Transcription" in refused.value.hint
        assert server.uploads == []

        through_the_app = SpeechModel(lambda: remote_settings(server))
        with pytest.raises(InsecureTransportError):
            through_the_app.prepare()
        through_the_app.close()

        engine = remote_engine(server, allowed=(server.host,))
        try:
            assert engine.transcribe(AUDIO).text == "We shipped it on time."
        finally:
            engine.close()
    assert [u.headers["authorization"] for u in server.uploads] == [f"Bearer {KEY}"]


def test_the_app_passes_on_the_hosts_the_user_allowed() -> None:
    set_api_key(KEY)
    with TranscriptionStubServer(default=TEXT, host=this_machines_network_address()) as server:
        speech = SpeechModel(lambda: remote_settings(server), lambda: [server.host])
        try:
            speech.prepare()
            assert speech.engine().transcribe(AUDIO).text == "We shipped it on time."
        finally:
            speech.close()
    assert len(server.uploads) == 1


def test_a_loopback_server_gets_the_key_without_asking() -> None:
    set_api_key(KEY)
    with TranscriptionStubServer(default=TEXT) as server:
        engine = remote_engine(server)
        try:
            engine.transcribe(AUDIO)
        finally:
            engine.close()
    assert server.uploads[0].headers["authorization"] == f"Bearer {KEY}"


def test_a_reply_that_never_ends_stops_at_the_deadline() -> None:
    with TranscriptionStubServer(default=NEVER_ENDS) as server:
        engine = remote_engine(server, deadline_s=1.0)
        try:
            with pytest.raises(TranscriptionError, match="did not finish within 1 s") as stopped:
                engine.transcribe(AUDIO)
        finally:
            engine.close()
    assert "the recording is kept" in stopped.value.hint
    assert len(server.uploads) == 1  # cut, not asked again: the deadline covers the client's own retry


def test_closing_the_engine_stops_a_transcription_under_way() -> None:
    with TranscriptionStubServer(default=NEVER_ENDS) as server:
        engine = remote_engine(server)  # the deadline (minutes) is not what ends it
        outcome: list[BaseException] = []

        def transcribe() -> None:
            try:
                engine.transcribe(AUDIO)
            except KnownError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=transcribe, name="remote-transcription")
        worker.start()
        assert server.wait_for_uploads(1)
        engine.close()
        worker.join(timeout=30)
        assert not worker.is_alive(), "the request was not cut"
    assert len(outcome) == 1
    assert isinstance(outcome[0], TranscriptionError)
    assert "stopped because the app is closing" in outcome[0].message
