"""Build the transcription engine chosen in settings: local faster-whisper or a remote server."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tpm_coach.call_guard import CallGuard
from tpm_coach.config import TranscriptionEngine as EngineKind
from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import TranscriptionError
from tpm_coach.plain_http import check_key_transport
from tpm_coach.transcription.engine import TranscriptionEngine
from tpm_coach.transcription.engine_faster_whisper import FasterWhisperEngine
from tpm_coach.transcription.engine_remote import DEADLINE_S, RemoteEngine
from tpm_coach.transcription.models import ProgressCallback, resolve_model

if TYPE_CHECKING:
    import openai

OpenAIClientFactory = Callable[[str, str], "openai.OpenAI"]


def cpu_threads(setting: int) -> int:
    """0 means: one thread per core (CTranslate2's own default of 4 oversubscribes small machines)."""
    return setting if setting > 0 else max(1, min(8, os.cpu_count() or 1))


def whisper_model_factory(
    settings: TranscriptionSettings, progress: ProgressCallback | None = None
) -> Callable[[], Any]:
    """A callable that resolves (maybe downloads) and loads the model; run it off the GUI thread."""

    def load() -> Any:
        resolved = resolve_model(settings.model, progress=progress)
        faster_whisper: Any = importlib.import_module("faster_whisper")
        return faster_whisper.WhisperModel(
            str(resolved.path),
            device="cpu",
            compute_type=settings.compute_type,
            cpu_threads=cpu_threads(settings.threads),
        )

    return load


def _guarded_client(base_url: str, api_key: str, guard: CallGuard, timeout_s: float) -> openai.OpenAI:
    """A client whose connections `guard` can cut (its deadline, or the app closing)."""
    import openai

    http_client = openai.DefaultHttpxClient(event_hooks={"request": [guard.on_request]})
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=1, http_client=http_client)


def create_engine(
    settings: TranscriptionSettings,
    *,
    progress: ProgressCallback | None = None,
    openai_client_factory: OpenAIClientFactory | None = None,
    allowed_plain_http_hosts: Iterable[str] = (),
    remote_deadline_s: float = DEADLINE_S,
) -> TranscriptionEngine:
    """Cheap: nothing loads until `prepare()` or the first `transcribe()`.

    A remote engine gets the API key only over https://, to this computer, or to a host in
    `allowed_plain_http_hosts` (the settings' `llm.allow_plain_http_hosts`: one consent per host for the key);
    otherwise InsecureTransportError. Each of its transcriptions ends after `remote_deadline_s`.
    """
    if settings.engine is EngineKind.REMOTE:
        if not settings.remote_base_url:
            raise TranscriptionError(
                "remote transcription is chosen but no server address is set",
                "enter the server's base URL (e.g. http://localhost:8000/v1) in Settings",
            )
        from tpm_coach.secrets import get_api_key

        api_key = get_api_key()
        check_key_transport(
            settings.remote_base_url, api_key, allowed_plain_http_hosts, where_to_allow="Settings > Transcription"
        )
        guard = CallGuard()
        key = api_key or "not-needed"  # servers without keys ignore it, but the client insists on one
        if openai_client_factory is not None:
            client = openai_client_factory(settings.remote_base_url, key)
        else:
            client = _guarded_client(settings.remote_base_url, key, guard, remote_deadline_s)
        return RemoteEngine(
            client, model=settings.remote_model, language=settings.language, guard=guard, deadline_s=remote_deadline_s
        )
    return FasterWhisperEngine(whisper_model_factory(settings, progress), settings)
