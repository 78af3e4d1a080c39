"""The LLM API key: read from OPENAI_API_KEY or the OS keyring, stored only in the OS keyring."""

from __future__ import annotations

import contextlib
import os

from tpm_coach.errors import ConfigError
from tpm_coach.redact import remember_secret

KEYRING_SERVICE = "tpm_coach"
KEYRING_USER = "llm_api_key"


def get_api_key(environ: dict[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    if env.get("OPENAI_API_KEY"):
        remember_secret(env["OPENAI_API_KEY"])
        return env["OPENAI_API_KEY"]
    import keyring
    from keyring.errors import KeyringError

    try:
        value = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except KeyringError:
        return None
    remember_secret(value)
    return value


def set_api_key(value: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    remember_secret(value)
    try:
        if value:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, value)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except KeyringError as exc:
        raise ConfigError(
            f"the OS keyring is not available ({exc})",
            "set OPENAI_API_KEY in the environment instead, or install a keyring service",
        ) from exc
