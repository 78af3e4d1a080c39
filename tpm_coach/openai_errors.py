"""What a failed call to an OpenAI-compatible server means, as a message and a hint a person can act on.

The scorer, Settings' connection check and remote transcription all explain failures here. The server's
own words are redacted on the way in, because some servers repeat the API key in their error replies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import openai

from tpm_coach.redact import redact

KEY_HINT = "set the API key in Settings > LLM or the OPENAI_API_KEY environment variable"
_DETAIL_LIMIT = 300


@dataclass(frozen=True)
class Endpoint:
    """The server a call went to, in the words a message uses: 'The LLM server at http://... (model m)'."""

    what: str
    base_url: str
    model: str = ""
    settings_page: str = "Settings"


def explain(
    error: BaseException,
    endpoint: Endpoint,
    *,
    attempts: int | None = None,
    timeout_s: float | None = None,
    secrets: Iterable[str] = (),
) -> tuple[str, str]:
    """(message, hint) for `error`, redacted of `secrets`, the app's known secrets and credential-shaped text.

    `attempts` is how many requests were made (said in the message when given); `timeout_s` the limit that
    a timeout broke.
    """
    hidden = tuple(secrets)

    def clean(text: str) -> str:
        # Redacted before it is shortened: a key cut in half would no longer match its known value.
        return _short(redact(text, hidden))

    message, hint = _words(error, endpoint, attempts, timeout_s, clean)
    return redact(message, hidden), redact(hint, hidden)


def _words(
    error: BaseException, at: Endpoint, attempts: int | None, timeout_s: float | None, clean: Callable[[str], str]
) -> tuple[str, str]:
    server = f"The {at.what} at {at.base_url}"
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}" if attempts is not None else ""
    in_brackets = f" ({tries})" if tries else ""
    if isinstance(error, openai.APIStatusError):
        status, detail = error.status_code, clean(server_message(error))
        if status in (401, 403):
            return f"{server} refused the API key (HTTP {status}): {detail}", KEY_HINT
        if status == 404:
            missing = f"no model '{at.model}' or no such endpoint" if at.model else "no such endpoint"
            return (
                f"{server} has {missing} (HTTP 404)",
                f"check the model name and the base URL (it usually ends in /v1) in {at.settings_page}",
            )
        if status == 429:
            return f"{server} is rate limiting requests (HTTP 429{', ' + tries if tries else ''})", "wait a minute"
        if status >= 500:
            return f"{server} failed with HTTP {status}{in_brackets}: {detail}", "check the server's log"
        return (
            f"{server} rejected the request (HTTP {status}): {detail}",
            f"check the model and the server in {at.settings_page}",
        )
    if isinstance(error, openai.APITimeoutError | TimeoutError):
        within = f"within {timeout_s:g} s" if timeout_s is not None else "in time"
        return (
            f"{server} did not answer {within}{in_brackets}",
            f"check that the server is running; a local model may need a longer timeout or a smaller model "
            f"({at.settings_page})",
        )
    if isinstance(error, openai.APIConnectionError):
        reason = "connection refused" if _refused(error) else "the connection failed"
        return (
            f"Cannot reach the {at.what} at {at.base_url}: {reason}{in_brackets}",
            f"start the server or check the address in {at.settings_page}",
        )
    if isinstance(error, openai.APIResponseValidationError | ValueError):
        # json.JSONDecodeError is a ValueError: a body that is not JSON at all.
        return (
            f"{server} sent a reply that is not OpenAI-compatible ({clean(str(error))})",
            f"check that the base URL in {at.settings_page} points at an OpenAI-compatible API (it usually ends "
            "in /v1)",
        )
    if isinstance(error, openai.APIError):  # e.g. an error event inside a stream: the server's own failure
        return f"{server} failed{in_brackets}: {clean(error.message)}", "check the server's log"
    return f"The call to the {at.what} at {at.base_url} failed ({type(error).__name__})", ""


def server_message(error: openai.APIStatusError) -> str:
    """The server's own explanation, unredacted: the error body's `message`, else the client's summary."""
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return error.message


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"


def _refused(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
