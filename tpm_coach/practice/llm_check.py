"""Settings' "Test connection": one tiny chat completion against the configured OpenAI-compatible server."""

from __future__ import annotations

import time

from tpm_coach.config import LlmSettings
from tpm_coach.errors import ConfigError


def check_llm_connection(settings: LlmSettings, api_key: str | None) -> str:
    """A line saying what answered; raises ConfigError saying what to fix."""
    if not settings.enabled:
        return "The offline scorer needs no connection."
    import openai

    from tpm_coach.errors import ScoringError
    from tpm_coach.scoring.llm import build_openai_client

    base_url = settings.resolved_base_url()
    model = settings.resolved_model()
    try:
        client = build_openai_client(settings.model_copy(update={"timeout_s": min(settings.timeout_s, 20.0)}), api_key)
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
    except openai.AuthenticationError as exc:
        raise ConfigError(f"{base_url} refused the API key (HTTP {exc.status_code})", "check the API key") from exc
    except openai.NotFoundError as exc:
        raise ConfigError(
            f"{base_url} has no model '{model}' or no chat endpoint (HTTP 404)",
            "check the model name, and that the base URL ends in /v1",
        ) from exc
    except openai.APIStatusError as exc:
        raise ConfigError(f"{base_url} answered HTTP {exc.status_code}", "check the server's log") from exc
    except openai.APITimeoutError as exc:
        raise ConfigError(f"{base_url} did not answer in time", "check that the server is running") from exc
    except openai.APIConnectionError as exc:
        raise ConfigError(f"cannot reach {base_url}", "start the server or correct the base URL") from exc
    except ValueError as exc:  # a body that is not JSON: something other than an OpenAI-compatible API
        raise ConfigError(f"{base_url} did not answer like an OpenAI-compatible server ({exc})") from exc
    elapsed_ms = (time.perf_counter() - started) * 1000
    answered = reply.model or model
    return f"Connected to {base_url}: '{answered}' answered in {elapsed_ms:.0f} ms."
