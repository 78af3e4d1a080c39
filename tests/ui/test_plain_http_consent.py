"""The desktop app sends the API key over plain http:// to another computer only after the user was warned and
agreed, once per host: from Settings' connection test, and after a practice answer's scoring was refused.

The LLM server is a real loopback-style stub bound to this machine's network address (not loopback), so the key's
route matters; the question is the real plain-text message box, answered by clicking its buttons.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.support.network import this_machines_network_address
from tests.support.openai_server import OpenAIStubServer, Reply
from tests.ui.conftest import message_button, rubric_reply
from tests.ui.hostile_text import answer_message_box_recording, message_box_problems
from tests.ui.practice_support import ANSWER, start_one_question
from tpm_coach import paths
from tpm_coach.config import LlmProvider, LlmSettings, TranscriptionEngine, load_settings
from tpm_coach.context import AppContext
from tpm_coach.domain import AttemptStatus
from tpm_coach.practice import Phase
from tpm_coach.secrets import set_api_key
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool

SECRET = "sk-plain-http-0123456789abcdef"
Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def remote_llm() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer(host=this_machines_network_address()) as server:
        yield server


def saved_hosts() -> list[str]:
    if not paths.config_file().exists():
        return []
    return list(tomllib.loads(paths.config_file().read_text(encoding="utf-8"))["llm"]["allow_plain_http_hosts"])


def check_question(seen: list[tuple[Qt.TextFormat, str, str]], host: str) -> None:
    assert len(seen) == 1, "asked exactly once"
    _, text, _ = seen[0]
    assert f"The server at {host} is reached over plain http://" in text
    assert "anyone on the network" in text and "could read it" in text
    assert message_box_problems(seen) == []


def test_the_connection_test_asks_before_sending_the_key_and_only_once(
    qtbot: QtBot, main_window: MainWindow, remote_llm: OpenAIStubServer
) -> None:
    host = remote_llm.host
    remote_llm.script(Reply(content="OK"), Reply(content="OK"))
    main_window.show_settings("llm")
    llm = main_window.settings.llm
    llm.provider.setCurrentIndex(llm.provider.findData(LlmProvider.CUSTOM))
    llm.base_url.setText(remote_llm.base_url)
    llm.model.setText("stub-model")
    qtbot.keyClicks(llm.api_key, SECRET)
    assert llm.plain_http.isVisible()
    assert llm.plain_http.allow.text() == f"Allow sending the key to {host} over plain HTTP…"

    qtbot.mouseClick(llm.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Refusing to send the API key unencrypted" in llm.test_result.text(), timeout=10_000)
    assert remote_llm.requests == []

    declined = answer_message_box_recording(No)
    qtbot.mouseClick(llm.plain_http.allow, Qt.MouseButton.LeftButton)
    check_question(declined, host)
    assert saved_hosts() == []
    assert main_window.context.settings.llm.allow_plain_http_hosts == []
    assert llm.plain_http.isVisible()
    assert remote_llm.requests == []

    agreed = answer_message_box_recording(Yes)
    qtbot.mouseClick(llm.plain_http.allow, Qt.MouseButton.LeftButton)
    check_question(agreed, host)
    qtbot.waitUntil(lambda: llm.test_result.text().startswith("Connected"), timeout=10_000)
    assert [r.headers["authorization"] for r in remote_llm.requests] == [f"Bearer {SECRET}"]
    assert saved_hosts() == [host]
    assert main_window.context.settings.llm.allow_plain_http_hosts == [host]
    assert not llm.plain_http.isVisible()

    # Allowed once: the next test goes straight through, and saving the page keeps the host.
    qtbot.mouseClick(llm.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(remote_llm.requests) == 2, timeout=10_000)
    assert main_window.settings.save()
    assert load_settings().llm.allow_plain_http_hosts == [host]


@pytest.fixture
def keyed_window(
    qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool, remote_llm: OpenAIStubServer
) -> MainWindow:
    """The app as it starts with a saved key and an LLM on another computer over plain http://."""
    set_api_key(SECRET)
    app_context.settings.llm = LlmSettings(
        provider=LlmProvider.CUSTOM, base_url=remote_llm.base_url, model="stub-model", timeout_s=10, max_retries=0
    )
    window = MainWindow(ViewDeps.build(app_context, messages, workers), speech_engine="mock")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.library is not None)
    return window


def test_a_refused_scoring_leads_to_the_question_and_then_scores(
    qtbot: QtBot, keyed_window: MainWindow, remote_llm: OpenAIStubServer
) -> None:
    window, host = keyed_window, remote_llm.host
    remote_llm.script(Reply(content="OK"), rubric_reply(window))
    start_one_question(qtbot, window)
    page = window.practice.question
    page.show_typing(True)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    controller = window.practice.controller
    assert controller is not None
    qtbot.waitUntil(lambda: controller.phase is Phase.SCORING_FAILED, timeout=15_000)
    assert remote_llm.requests == []
    refusal = f"Refusing to send the API key unencrypted to {host}"
    settings_button = message_button(window, refusal, "LLM settings")
    assert settings_button is not None

    qtbot.mouseClick(settings_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.settings
    notice = window.settings.llm.plain_http
    assert notice.isVisible()
    agreed = answer_message_box_recording(Yes)
    qtbot.mouseClick(notice.allow, Qt.MouseButton.LeftButton)
    check_question(agreed, host)
    qtbot.waitUntil(lambda: window.settings.llm.test_result.text().startswith("Connected"), timeout=10_000)

    window.navigate("practice")
    assert page.failure_row.isVisible()
    qtbot.mouseClick(page.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.FEEDBACK, timeout=15_000)
    assert controller.attempt_id is not None
    assert window.context.attempts.get(controller.attempt_id).status is AttemptStatus.SCORED
    assert [r.headers["authorization"] for r in remote_llm.requests] == [f"Bearer {SECRET}"] * 2


def test_a_transcription_server_over_plain_http_is_offered_too(qtbot: QtBot, main_window: MainWindow) -> None:
    set_api_key(SECRET)
    main_window.settings.load()
    main_window.show_settings("transcription")
    section = main_window.settings.transcription
    section.engine.setCurrentIndex(section.engine.findData(TranscriptionEngine.REMOTE))
    section.remote_url.setText("http://gpu-box.lan:8000/v1")
    assert section.plain_http.isVisible()
    agreed = answer_message_box_recording(Yes)
    qtbot.mouseClick(section.plain_http.allow, Qt.MouseButton.LeftButton)
    check_question(agreed, "gpu-box.lan")
    assert saved_hosts() == ["gpu-box.lan"]
    assert not section.plain_http.isVisible()
    section.remote_url.setText("http://other-box.lan:8000/v1")
    assert section.plain_http.isVisible(), "another host is asked about on its own"
