"""A fake OS keyring for child processes: secrets in a JSON file named by TESTS_KEYRING_FILE.

The in-memory fake (memory_keyring.py) cannot reach a `tpm-coach` subprocess, so tests that run the
real command line select this one with PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring.
Keep the file outside the app's data, config and log folders: it holds the secret in plain text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

ENV = "TESTS_KEYRING_FILE"


def _file() -> Path:
    return Path(os.environ[ENV])


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _load(self) -> dict[str, str]:
        path = _file()
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        _file().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        _file().write_text(json.dumps(data))
