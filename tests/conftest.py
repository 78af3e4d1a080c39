"""Every test runs against its own data, config and log folders, and an in-memory keyring.

Tests that record through the private PulseAudio server share one per session (`pulse`). A test that needs
the audio or the model server is marked `audio` or `llama` (by the fixtures it uses, if its module does not
say so), and only such a test may start one: `make fast` runs everything else, without either server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests import support
from tests.support.memory_keyring import MemoryKeyring
from tests.support.pulse import PulseServer, have_pulseaudio, start_pulse
from tests.support.server_marks import set_running_test_marks

# Older test modules import the root from here; tests/support owns it so support code need not import conftest.
REPO_ROOT = support.REPO_ROOT

# Fixtures that start (or stand on) a real server, by the mark a test using them needs.
SERVER_FIXTURES = {"audio": frozenset({"pulse", "sd", "virtual_microphone"}), "llama": frozenset({"llama"})}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for mark, fixtures in SERVER_FIXTURES.items():
            if used & fixtures and item.get_closest_marker(mark) is None:
                item.add_marker(mark)


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures, which may start a server
def pytest_runtest_setup(item: pytest.Item) -> None:
    set_running_test_marks(mark.name for mark in item.iter_markers())


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


@pytest.fixture(scope="session")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """The private PulseAudio server with its virtual microphone, exported to this process for the session."""
    if not have_pulseaudio():
        pytest.skip("needs pulseaudio and pulseaudio-utils (Debian packages)")
    server = start_pulse(tmp_path_factory.mktemp("pulse"), export=True)
    yield server
    server.stop()
