"""Removing secrets from text before it is written anywhere a person might share: logs, bug reports.

Two layers: the exact values the app knows to be secret (the API key once it has been read), and
patterns that look like credentials whatever their value (`sk-...` keys, `Authorization: Bearer ...`,
`api_key=...`, passwords in URLs).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

REDACTED = "[REDACTED]"

# Shorter "secrets" (a placeholder key such as "none") would mask ordinary words all over a log.
MIN_SECRET_LENGTH = 6

_TOKEN = r"[A-Za-z0-9._~+/=-]"


def _authorization(match: re.Match[str]) -> str:
    scheme = match.group(2)
    return match.group(1) + (f"{scheme} " if scheme else "") + REDACTED


_PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # An Authorization header in any spelling: `Authorization: Bearer x`, `'authorization': 'Basic x'`.
    (
        re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:(bearer|basic|token)\s+)?[^\s\"',;]+"),
        _authorization,
    ),
    (re.compile(rf"(?i)\b(bearer)\s+{_TOKEN}{{8,}}"), r"\1 " + REDACTED),
    # Provider key formats: OpenAI (sk-, sk-proj-), Anthropic/OpenRouter (sk-ant-, sk-or-), Groq, Hugging Face.
    (re.compile(r"\b(?:sk|rk)-[A-Za-z0-9_-]{8,}"), REDACTED),
    (re.compile(r"\b(?:gsk|hf|xai)[_-][A-Za-z0-9]{16,}"), REDACTED),
    # key=value and "key": "value" for names that always hold secrets.
    (
        re.compile(
            r"(?i)\b(api[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret|secret|password|passwd)"
            r"([\"']?\s*[:=]\s*[\"']?)(?![\"'\s])([^\s\"',;&]+)"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?i)([?&](?:key|token|api[_-]?key|access_token)=)[^&\s\"']+"), r"\1" + REDACTED),
    # user:password@ in URLs.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@:]+:[^\s/@]+@"), r"\1" + REDACTED + "@"),
)


class Redactor:
    """Replaces known secret values and credential-shaped text with REDACTED. Safe to share between threads."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        for secret in secrets:
            self.remember(secret)

    def remember(self, secret: str | None) -> None:
        """Treat this exact value as secret from now on (ignored when empty or too short to be a key)."""
        if not secret:
            return
        value = secret.strip()
        if len(value) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value not in self._secrets:
                # Longest first, so a secret that contains another is removed whole.
                self._secrets = tuple(sorted((*self._secrets, value), key=len, reverse=True))

    @property
    def known_count(self) -> int:
        return len(self._secrets)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


# The app-wide redactor: whoever reads the API key remembers it here; logs and reports use it.
default_redactor = Redactor()


def remember_secret(secret: str | None) -> None:
    default_redactor.remember(secret)


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """`text` without the known secrets, `extra_secrets` and anything that looks like a credential."""
    for secret in sorted((s for s in extra_secrets if s and len(s) >= MIN_SECRET_LENGTH), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return default_redactor.redact(text)
