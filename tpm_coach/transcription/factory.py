"""Build the transcription engine chosen in settings: local faster-whisper or a remote server."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tpm_coach.config import TranscriptionEngine as EngineKind
from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.engine import TranscriptionEngine
from tpm_coach.transcription.engine_faster_whisper import FasterWhisperEngine
from tpm_coach.transcription.engine_remote import RemoteEngine
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


def _default_client(base_url: str, api_key: str) -> openai.OpenAI:
    import openai

    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=120.0, max_retries=1)


def create_engine(
    settings: TranscriptionSettings,
    *,
    progress: ProgressCallback | None = None,
    openai_client_factory: OpenAIClientFactory | None = None,
) -> TranscriptionEngine:
    """Cheap: nothing loads until `prepare()` or the first `transcribe()`."""
    if settings.engine is EngineKind.REMOTE:
        if not settings.remote_base_url:
            raise TranscriptionError(
                "remote transcription is chosen but no server address is set",
                "enter the server's base URL (e.g. http://localhost:8000/v1) in Settings",
            )
        from tpm_coach.secrets import get_api_key

        factory = openai_client_factory or _default_client
        client = factory(settings.remote_base_url, get_api_key() or "not-needed")
        return RemoteEngine(client, model=settings.remote_model, language=settings.language)
    return FasterWhisperEngine(whisper_model_factory(settings, progress), settings)
