"""Qt tests run on the offscreen platform, and fail if they leave background work running.

QT_QPA_PLATFORM is set here, before anything imports Qt.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer, RecordedRequest, Reply, json_reply, score_payload
from tests.support.pulse import PulseServer
from tpm_coach.config import LlmProvider, LlmSettings, load_settings
from tpm_coach.context import AppContext
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool

_UI_DIR = Path(__file__).resolve().parent
# Said by Qt about the machine, not the app: the offscreen platform once per top-level window, and
# Qt Multimedia (loaded for text-to-speech) when the optional PipeWire library is not installed.
_PLATFORM_NOISE = (
    "This plugin does not support propagateSizeHints",
    "Couldn't load pipewire-0.3 library",
    "Couldn't resolve pipewire-0.3 symbols",
)
_SETTLE_S = 10.0
# Process-wide helper threads third-party libraries start once and keep (tqdm's progress-bar monitor,
# started by the speech model's libraries): not the app's work, and not stoppable by it.
_LIBRARY_THREADS = frozenset({"tqdm_monitor"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(_UI_DIR):
            item.add_marker(pytest.mark.qt_log_ignore(*_PLATFORM_NOISE))


def _leftovers(threads_before: set[threading.Thread]) -> list[str]:
    found: list[str] = []
    for pool in list(WorkerPool.instances):
        if pool.active_count():
            found.append(f"a WorkerPool still runs {pool.active_count()} task(s)")
    if QThreadPool.globalInstance().activeThreadCount():
        found.append("the global QThreadPool still runs a task")
    for obj in gc.get_objects():
        try:
            if isinstance(obj, QThread) and obj.isRunning():
                found.append(f"QThread {obj.objectName() or obj!r} is running")
            elif isinstance(obj, QTimer) and obj.isActive():
                found.append(f"QTimer (interval {obj.interval()} ms, parent {type(obj.parent()).__name__}) is active")
        except RuntimeError:  # the C++ object is already deleted: not running
            continue
    found.extend(f"process {child.name!r} is alive" for child in multiprocessing.active_children())
    for thread in threading.enumerate():
        if thread in threads_before or thread.name in _LIBRARY_THREADS or isinstance(thread, threading._DummyThread):
            continue
        if thread.is_alive():
            found.append(f"thread {thread.name!r} is alive")
    return found


@pytest.fixture(autouse=True)
def no_background_leftovers(qapp: QApplication) -> Iterator[None]:
    """Fail the test if, after its widgets are closed, a worker, QThread, QTimer, thread or process still runs.

    Declared autouse so it is set up before (and torn down after) qtbot, which closes the test's widgets.
    Work that is finishing gets a short grace period (waiting on the event loop, not sleeping blindly).
    """
    threads_before = set(threading.enumerate())
    yield
    settled = threading.Event()
    remaining = _leftovers(threads_before)
    waited = 0.0
    while remaining and waited < _SETTLE_S:
        qapp.processEvents()
        settled.wait(0.02)
        waited += 0.02
        remaining = _leftovers(threads_before)
    if remaining:
        pytest.fail("left running after the test: " + "; ".join(remaining))


# -- fixtures for the practice, settings and main-window tests ---------------------------------------


@pytest.fixture
def app_context() -> Iterator[AppContext]:
    """The app's services over this test's own (empty) data and config folders."""
    context = AppContext(load_settings())
    yield context
    context.close()


@pytest.fixture
def messages(qapp: QApplication) -> MessageSink:
    return MessageSink()


@pytest.fixture
def workers(qapp: QApplication) -> Iterator[WorkerPool]:
    pool = WorkerPool()
    yield pool
    pool.shutdown()


@pytest.fixture
def stub_llm() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as server:
        yield server


def use_stub_llm(context: AppContext, server: OpenAIStubServer) -> None:
    """Score with the loopback server; no retries, so a scripted failure fails at once."""
    context.settings.llm = LlmSettings(
        provider=LlmProvider.CUSTOM, base_url=server.base_url, model="stub-model", timeout_s=10, max_retries=0
    )


def rubric_reply(window: MainWindow, *, score: int = 4, quote_words: int = 8) -> Callable[[RecordedRequest], Reply]:
    """A scoring reply for whatever question is on screen: every criterion cites the answer's first sentence (so
    no score is capped by the evidence rule), and the first also quotes the start of the answer."""

    def respond(request: RecordedRequest) -> Reply:
        controller = window.practice.controller
        assert controller is not None and controller.turn is not None
        ids = [c.id for c in controller.turn.competency.rubric.criteria]
        words = controller.live_text.split()[:quote_words]
        quotes = {ids[0]: [" ".join(words)]} if words else {}
        star = {"situation": True, "task": True, "action": True, "result": False}
        return json_reply(score_payload(ids, score, quotes, sentences={cid: [1] for cid in ids}, star=star))

    return respond


@pytest.fixture
def main_window(qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool) -> MainWindow:
    window = MainWindow(ViewDeps.build(app_context, messages, workers), speech_engine="mock")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.library is not None)  # the banks are read in the background
    return window


def message_button(window: MainWindow, text_part: str, label_text: str) -> QPushButton | None:
    """The action button `label_text` on the message whose text contains `text_part`, if shown."""
    for row in window.message_bar.rows:
        if text_part in row.message.text:
            for button in row.buttons:
                if button.text() == label_text:
                    return button
    return None


def message_texts(window: MainWindow) -> list[str]:
    return window.message_bar.texts()


# -- a real microphone: the session's private PulseAudio server (tests/support/pulse.py) ---------------


@pytest.fixture(scope="session")
def virtual_microphone(pulse: PulseServer) -> PulseServer:
    """What the app records from its `pulse` device is what `virtual_microphone.play(wav)` plays."""
    return pulse
