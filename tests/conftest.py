"""Every test runs against its own data, config and log folders, and an in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests import support
from tests.support.memory_keyring import MemoryKeyring

# Older test modules import the root from here; tests/support owns it so support code need not import conftest.
REPO_ROOT = support.REPO_ROOT


@pytest.fixture(autouse=True)
def isolated_app_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at empty folders under tmp_path and strip the developer's own overrides."""
    for name in list(os.environ):
        if name.startswith("TPM_COACH_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name)
    home = tmp_path / "app"
    monkeypatch.setenv("TPM_COACH_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TPM_COACH_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("TPM_COACH_LOG_DIR", str(home / "logs"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
