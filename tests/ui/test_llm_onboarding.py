"""The first start without an LLM: the app finds a local model server, or takes an API key, or stays offline."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.memory_keyring import MemoryKeyring
from tests.support.model_servers import ModelListServer, closed_port, ollama_tags, openai_models
from tests.support.secrets import assert_secret_absent
from tpm_coach import paths
from tpm_coach.config import LlmProvider, Settings, load_settings
from tpm_coach.context import AppContext
from tpm_coach.scoring.detect import FoundServer, detect_servers
from tpm_coach.secrets import KEYRING_SERVICE, KEYRING_USER
from tpm_coach.ui.app import AppShell
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.onboarding import offer_llm_setup
from tpm_coach.ui.onboarding.dialog import LlmSetupDialog
from tpm_coach.ui.onboarding.guide import FirstRunGuide
from tpm_coach.ui.workers import WorkerPool

MODELS = ["llama3.1:8b", "qwen2.5:3b"]
API_KEY = "sk-test-onboarding-0123456789abcdef"


@pytest.fixture
def ollama() -> Iterator[ModelListServer]:
    routes = {"/v1/models": openai_models(MODELS, owned_by="library"), "/api/tags": ollama_tags(MODELS)}
    with ModelListServer(routes) as server:
        yield server


def probe(
    *ports: tuple[LlmProvider, int], seen_on: list[threading.Thread] | None = None
) -> Callable[[], list[FoundServer]]:
    """The real detector, pointed at the test's ports; records the thread it ran on."""

    def run() -> list[FoundServer]:
        if seen_on is not None:
            seen_on.append(threading.current_thread())
        return detect_servers(list(ports), timeout_s=0.5)

    return run


def open_dialog(qtbot: QtBot, window: MainWindow, detect: Callable[[], list[FoundServer]]) -> LlmSetupDialog:
    assert offer_llm_setup(window, detect)
    qtbot.waitUntil(lambda: (d := window.findChild(LlmSetupDialog)) is not None and d.isVisible())
    dialog = window.findChild(LlmSetupDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.local.look_again.isEnabled, timeout=10_000)  # the probe came back
    return dialog


def saved_settings() -> Settings:
    """What config.toml holds, without the test's environment overrides."""
    return load_settings(environ={})


def test_the_app_asks_once_the_window_shows_and_probes_off_the_gui_thread(
    qtbot: QtBot, messages: MessageSink, workers: WorkerPool, ollama: ModelListServer
) -> None:
    threads: list[threading.Thread] = []
    shell = AppShell(
        messages,
        workers,
        speech_engine="mock",
        detect_servers=probe((LlmProvider.OLLAMA, ollama.port), seen_on=threads),
    )
    window = shell.build(shell.load_context())
    try:
        shell.show()
        # On a first start the question is the guide's second step.
        qtbot.waitUntil(lambda: (g := window.findChild(FirstRunGuide)) is not None and g.isVisible())
        guide = window.findChild(FirstRunGuide)
        assert guide is not None
        qtbot.mouseClick(guide.next, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(guide.choose_judge, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: (d := window.findChild(LlmSetupDialog)) is not None and d.isVisible())
        dialog = window.findChild(LlmSetupDialog)
        qtbot.waitUntil(lambda: dialog.local.servers.count() == 1, timeout=10_000)
        assert window.isVisible()
        assert threads and threads[0] is not threading.main_thread()
        assert dialog.local.servers.currentText() == f"Ollama at {ollama.base_url}"
    finally:
        shell.stop()
        window.close()
        window.deleteLater()


def test_choosing_a_found_server_saves_provider_base_url_and_model(
    qtbot: QtBot, main_window: MainWindow, ollama: ModelListServer, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(
        qtbot, main_window, probe((LlmProvider.LM_STUDIO, closed_port()), (LlmProvider.OLLAMA, ollama.port))
    )
    assert [dialog.local.models.itemText(i) for i in range(dialog.local.models.count())] == MODELS
    dialog.local.models.setCurrentIndex(1)
    qtbot.mouseClick(dialog.local.use, Qt.MouseButton.LeftButton)

    saved = saved_settings()
    assert (saved.llm.provider, saved.llm.base_url, saved.llm.model) == (
        LlmProvider.OLLAMA,
        ollama.base_url,
        "qwen2.5:3b",
    )
    assert saved.llm_choice_made
    assert main_window.context.settings.llm == saved.llm
    assert not dialog.isVisible()
    assert main_window.scorer_status.text() == "Scoring: qwen2.5:3b"
    assert main_window.settings.llm.model.text() == "qwen2.5:3b", "the Settings page shows the way back"
    assert memory_keyring.store == {}
    assert not offer_llm_setup(main_window), "asked once only"


def test_an_api_key_is_stored_in_the_keyring_and_never_in_the_settings_file(
    qtbot: QtBot, main_window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, main_window, probe((LlmProvider.OLLAMA, closed_port())))
    assert not dialog.local.use.isEnabled()
    assert not dialog.cloud.use.isEnabled(), "no key typed yet"
    qtbot.keyClicks(dialog.cloud.api_key, API_KEY)
    qtbot.mouseClick(dialog.cloud.use, Qt.MouseButton.LeftButton)

    assert memory_keyring.store == {(KEYRING_SERVICE, KEYRING_USER): API_KEY}
    saved = saved_settings()
    assert saved.llm.provider is LlmProvider.OPENAI
    assert saved.llm.resolved_base_url() == "https://api.openai.com/v1"
    assert saved.llm_choice_made
    assert assert_secret_absent([paths.config_dir()], API_KEY) >= 1


def test_a_custom_service_needs_its_address_and_model(
    qtbot: QtBot, main_window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, main_window, probe((LlmProvider.OLLAMA, closed_port())))
    cloud = dialog.cloud
    cloud.provider.setCurrentIndex(cloud.provider.findData(LlmProvider.CUSTOM))
    qtbot.keyClicks(cloud.api_key, API_KEY)
    assert not cloud.use.isEnabled()
    qtbot.keyClicks(cloud.base_url, "https://llm.example.com/v1")
    qtbot.keyClicks(cloud.model, "big-model")
    qtbot.mouseClick(cloud.use, Qt.MouseButton.LeftButton)
    saved = saved_settings()
    assert (saved.llm.provider, saved.llm.base_url, saved.llm.model) == (
        LlmProvider.CUSTOM,
        "https://llm.example.com/v1",
        "big-model",
    )
    assert memory_keyring.store == {(KEYRING_SERVICE, KEYRING_USER): API_KEY}


def test_without_a_keyring_the_key_is_refused_and_nothing_is_saved(qtbot: QtBot, main_window: MainWindow) -> None:
    dialog = open_dialog(qtbot, main_window, probe((LlmProvider.OLLAMA, closed_port())))
    keyring.set_keyring(fail.Keyring())  # the keyring package's own "no keyring on this system"
    qtbot.keyClicks(dialog.cloud.api_key, API_KEY)
    qtbot.mouseClick(dialog.cloud.use, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "keyring is not available" in dialog.error.text()
    assert not paths.config_file().exists()
    assert not main_window.context.settings.llm_choice_made


@pytest.mark.parametrize("how", ["button", "closing the dialog"])
def test_staying_offline_is_explained_and_remembered(qtbot: QtBot, main_window: MainWindow, how: str) -> None:
    dialog = open_dialog(qtbot, main_window, probe((LlmProvider.OLLAMA, closed_port())))
    explanation = " ".join(w.text() for w in dialog.findChildren(type(dialog.error)))
    for words in ("offline estimate", "heuristic", "scored again with an LLM"):
        assert words in explanation
    if how == "button":
        qtbot.mouseClick(dialog.stay_offline, Qt.MouseButton.LeftButton)
    else:
        dialog.close()
    saved = saved_settings()
    assert saved.llm_choice_made
    assert saved.llm.provider is LlmProvider.OFFLINE
    assert "offline estimate" in main_window.messages.history[-1].text
    assert not offer_llm_setup(main_window)


def test_when_nothing_answers_it_says_how_to_start_a_server_and_can_look_again(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    with ModelListServer() as placeholder:  # holds a port, answering 404 to everything for now
        dialog = open_dialog(qtbot, main_window, probe((LlmProvider.LM_STUDIO, placeholder.port)))
        local = dialog.local
        assert "No model server is running" in local.status.text()
        assert local.hints.isVisible() and "ollama pull" in local.hints.text()
        assert not local.use.isEnabled()
        placeholder.routes["/v1/models"] = openai_models(["phi4"], owned_by="organization_owner")
        qtbot.mouseClick(local.look_again, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: local.servers.count() == 1, timeout=10_000)
    assert local.servers.currentText() == f"LM Studio at http://127.0.0.1:{placeholder.port}/v1"
    assert local.models.currentText() == "phi4"
    assert local.use.isEnabled() and not local.hints.isVisible()


def test_an_llm_already_configured_or_a_question_answered_is_not_asked_again(
    app_context: AppContext, main_window: MainWindow
) -> None:
    app_context.settings.llm_choice_made = True
    assert not offer_llm_setup(main_window, probe())
    app_context.settings.llm_choice_made = False
    app_context.settings.llm.provider = LlmProvider.LM_STUDIO
    assert not offer_llm_setup(main_window, probe())
    assert main_window.findChild(LlmSetupDialog) is None
