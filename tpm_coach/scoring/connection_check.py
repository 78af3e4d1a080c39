"""Settings' "Test connection": one tiny chat completion against the configured OpenAI-compatible server."""

from __future__ import annotations

import time

from tpm_coach.config import LlmSettings
from tpm_coach.errors import ConfigError


def check_llm_connection(settings: LlmSettings, api_key: str | None) -> str:
    """A line saying what answered; raises ConfigError saying what to fix, or InsecureTransportError when the
    key would go unencrypted to a host the user has not allowed (`tpm_coach.plain_http.allow_plain_http`)."""
    if not settings.enabled:
        return "The offline scorer needs no connection."
    import openai

    from tpm_coach.errors import InsecureTransportError, ScoringError
    from tpm_coach.openai_errors import Endpoint, explain
    from tpm_coach.scoring.llm import build_openai_client

    base_url = settings.resolved_base_url()
    model = settings.resolved_model()
    try:
        client = build_openai_client(settings.model_copy(update={"timeout_s": min(settings.timeout_s, 20.0)}), api_key)
    except InsecureTransportError:
        raise  # kept as it is, so Settings can ask whether to allow the host
    except ScoringError as exc:
        raise ConfigError(exc.message, exc.hint) from exc
    started = time.perf_counter()
    try:
        with client:
            reply = client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": "Reply with the single word OK."}],
                max_tokens=5,
                temperature=0,
            )
    except (openai.APIError, ValueError) as exc:  # ValueError: a body that is not JSON
        endpoint = Endpoint("LLM server", base_url, model, "Settings > LLM")
        raise ConfigError(*explain(exc, endpoint, secrets=[api_key] if api_key else [])) from exc
    elapsed_ms = (time.perf_counter() - started) * 1000
    answered = reply.model or model
    return f"Connected to {base_url}: '{answered}' answered in {elapsed_ms:.0f} ms."
