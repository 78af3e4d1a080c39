"""The window shows before the question banks are read: the practice page says it is loading them and lets no
session start, Settings lists them once read, and a bank library that cannot be read is reported.

The active bank is a real 15,000-question file; its read is held back by a gate until the test has looked at the
window, so "before" does not depend on how fast this machine reads YAML.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.banks import large_bank_yaml
from tpm_coach.banks import BankLibrary
from tpm_coach.banks.preload import BankPreload
from tpm_coach.config import load_settings, save_settings
from tpm_coach.context import AppContext
from tpm_coach.errors import BankError, BankProblem
from tpm_coach.ui.app import AppShell
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool

QUESTIONS = 15_000
GATE_S = 60.0  # an old window that waits for the read in its constructor gets through after this, then fails


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    opened = threading.Event()
    yield opened
    opened.set()  # a read still held back would keep the window from closing


@pytest.fixture
def shell(messages: MessageSink, workers: WorkerPool) -> AppShell:
    settings = load_settings()
    settings.active_banks = ["default", "big"]
    save_settings(settings)
    return AppShell(messages, workers, speech_engine="mock")


def held_read(context: AppContext, gate: threading.Event, read: Callable[[], BankLibrary]) -> threading.Event:
    """Make `context` read its banks with `read`, once `gate` opens; the event returned is set when it starts."""
    started = threading.Event()

    def gated() -> BankLibrary:
        started.set()
        gate.wait(GATE_S)
        return read()

    context.bank_preload = BankPreload(gated)
    return started


def build(qtbot: QtBot, shell: AppShell, context: AppContext) -> MainWindow:
    window = shell.build(context)
    qtbot.addWidget(window)
    window.show()
    return window


def setting_banks(window: MainWindow) -> list[tuple[str, bool]]:
    listed = window.settings.data.banks
    items = [listed.item(i) for i in range(listed.count())]
    return [(i.text(), i.checkState() == Qt.CheckState.Checked) for i in items]


def test_the_window_shows_while_a_large_bank_is_read_then_fills_in(
    qtbot: QtBot, shell: AppShell, gate: threading.Event
) -> None:
    context = shell.load_context()
    (context.data_paths.banks / "big.yaml").write_text(large_bank_yaml("big", QUESTIONS), encoding="utf-8")
    started = held_read(context, gate, lambda: BankLibrary(context.data_paths.banks, context.settings.active_banks))
    window = build(qtbot, shell, context)
    setup = window.practice.setup
    qtbot.waitUntil(started.is_set)  # once the window is up

    assert window.isVisible()
    assert not context.bank_preload.ready
    assert setup.matches.text() == "Loading question banks…"
    assert not setup.start.isEnabled()
    assert setup.banks.count() == 0
    assert setting_banks(window) == [("Loading question banks…", False)]
    assert not window.settings.data.banks.isEnabled()

    gate.set()
    qtbot.waitUntil(setup.start.isEnabled, timeout=120_000)
    default = context.banks.get("default").bank
    assert [setup.banks.item(i).text() for i in range(setup.banks.count())] == [
        f"{default.name}  ({len(default.questions)})",
        f"big (generated)  ({QUESTIONS})",
    ]
    assert setup.matches.text().endswith("questions match.")
    assert window.library is context.banks
    assert [checked for _, checked in setting_banks(window)] == [True, True]
    assert window.settings.data.banks.isEnabled()


def test_saving_settings_before_the_banks_are_read_keeps_the_active_ones(
    qtbot: QtBot, shell: AppShell, gate: threading.Event
) -> None:
    context = shell.load_context()
    (context.data_paths.banks / "big.yaml").write_text(large_bank_yaml("big", 3), encoding="utf-8")
    held_read(context, gate, lambda: BankLibrary(context.data_paths.banks, context.settings.active_banks))
    window = build(qtbot, shell, context)
    window.settings.transcription.threads.setValue(3)
    assert window.settings.save()
    saved = load_settings()
    assert saved.transcription.threads == 3
    assert saved.active_banks == ["default", "big"]
    gate.set()
    qtbot.waitUntil(lambda: window.library is not None, timeout=60_000)


def test_banks_that_cannot_be_read_are_reported_and_nothing_starts(
    qtbot: QtBot, shell: AppShell, messages: MessageSink, gate: threading.Event
) -> None:
    context = shell.load_context()

    def broken() -> BankLibrary:
        raise BankError([BankProblem("default.yaml", "questions", "the built-in bank is damaged")], "reinstall")

    held_read(context, gate, broken)
    window = build(qtbot, shell, context)
    gate.set()
    qtbot.waitUntil(lambda: any("the built-in bank is damaged" in m.text for m in messages.history), timeout=60_000)
    error = next(m for m in messages.history if "the built-in bank is damaged" in m.text)
    assert error.level == "error"
    assert window.practice.setup.matches.text() == "The question banks could not be loaded."
    assert not window.practice.setup.start.isEnabled()
    assert setting_banks(window) == [("The question banks could not be loaded.", False)]
