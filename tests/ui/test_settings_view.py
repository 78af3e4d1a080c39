"""Settings: the API key goes to the (in-memory test) keyring only, the connection test talks to a real
loopback server, and saved choices reach the running app."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

import yaml
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.banks import bank
from tests.support.memory_keyring import MemoryKeyring
from tests.support.openai_server import OpenAIStubServer, Reply, error_reply
from tpm_coach import paths
from tpm_coach.config import LlmProvider, TranscriptionEngine, load_settings
from tpm_coach.secrets import KEYRING_SERVICE, KEYRING_USER
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.settings.view import SettingsView

SECRET = "sk-test-0123456789abcdef"


def open_settings(qtbot: QtBot, window: MainWindow, section: str = "llm") -> SettingsView:
    window.show_settings(section)
    assert window.stack.currentWidget() is window.settings
    return window.settings


def test_api_key_is_stored_in_the_keyring_and_never_in_the_config_file(
    qtbot: QtBot, main_window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    view = open_settings(qtbot, main_window)
    llm = view.llm
    llm.provider.setCurrentIndex(llm.provider.findData(LlmProvider.OPENAI))
    assert llm.base_url.isEnabled()
    assert llm.base_url.placeholderText() == "https://api.openai.com/v1"
    llm.model.setText("gpt-4o-mini")
    qtbot.keyClicks(llm.api_key, SECRET)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    assert memory_keyring.store[(KEYRING_SERVICE, KEYRING_USER)] == SECRET
    config = paths.config_file().read_text(encoding="utf-8")
    assert SECRET not in config
    assert 'provider = "openai"' in config
    assert load_settings().llm.model == "gpt-4o-mini"
    assert main_window.context.settings.llm.provider is LlmProvider.OPENAI
    assert main_window.scorer_status.text() == "Scoring: gpt-4o-mini"
    assert llm.api_key.echoMode() == llm.api_key.EchoMode.Password


def test_a_saved_key_is_shown_masked_and_can_be_removed(
    qtbot: QtBot, main_window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USER, SECRET)
    view = open_settings(qtbot, main_window)
    view.load()
    view.llm.provider.setCurrentIndex(view.llm.provider.findData(LlmProvider.OPENAI))
    assert view.llm.api_key.text() == SECRET
    assert view.llm.api_key.echoMode() == view.llm.api_key.EchoMode.Password
    view.llm.api_key.selectAll()
    qtbot.keyClick(view.llm.api_key, Qt.Key.Key_Delete)
    assert view.save()
    assert (KEYRING_SERVICE, KEYRING_USER) not in memory_keyring.store


def test_leaving_the_key_untouched_does_not_rewrite_it(
    qtbot: QtBot, main_window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    view = open_settings(qtbot, main_window)
    view.llm.model.setText("m")
    assert view.save()
    assert memory_keyring.store == {}


def test_test_connection_reports_the_server_and_model(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    stub_llm.script(Reply(content="OK"))
    view = open_settings(qtbot, main_window)
    llm = view.llm
    llm.provider.setCurrentIndex(llm.provider.findData(LlmProvider.CUSTOM))
    llm.base_url.setText(stub_llm.base_url)
    llm.model.setText("stub-model")
    qtbot.keyClicks(llm.api_key, SECRET)
    qtbot.mouseClick(llm.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: llm.test_result.text().startswith("Connected"), timeout=10_000)
    assert "stub-model" in llm.test_result.text()
    (request,) = stub_llm.requests
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert llm.test.isEnabled()


def test_test_connection_explains_failures(qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer) -> None:
    view = open_settings(qtbot, main_window)
    llm = view.llm
    llm.provider.setCurrentIndex(llm.provider.findData(LlmProvider.CUSTOM))
    stub_llm.script(error_reply(401, "bad key"))
    llm.base_url.setText(stub_llm.base_url)
    qtbot.mouseClick(llm.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused the API key" in llm.test_result.text(), timeout=10_000)

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    llm.base_url.setText(f"http://127.0.0.1:{closed_port}/v1")
    qtbot.mouseClick(llm.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot reach" in llm.test_result.text(), timeout=20_000)


def test_offline_scorer_disables_the_llm_fields(qtbot: QtBot, main_window: MainWindow) -> None:
    view = open_settings(qtbot, main_window)
    llm = view.llm
    llm.provider.setCurrentIndex(llm.provider.findData(LlmProvider.OFFLINE))
    assert not llm.base_url.isEnabled()
    assert not llm.test.isEnabled()
    assert view.save()
    assert main_window.scorer_status.text() == "Scoring: offline scorer"


def test_transcription_choices_are_saved(qtbot: QtBot, main_window: MainWindow) -> None:
    view = open_settings(qtbot, main_window, "transcription")
    t = view.transcription
    t.compute_type.setCurrentText("float32")
    t.threads.setValue(2)
    t.engine.setCurrentIndex(t.engine.findData(TranscriptionEngine.REMOTE))
    assert not t.model.isEnabled() and t.remote_url.isEnabled()
    t.remote_url.setText("http://127.0.0.1:9/v1")
    t.engine.setCurrentIndex(t.engine.findData(TranscriptionEngine.LOCAL))
    assert view.save()
    saved = load_settings()
    assert (saved.transcription.compute_type, saved.transcription.threads) == ("float32", 2)
    assert saved.transcription.remote_base_url == "http://127.0.0.1:9/v1"


def test_activating_a_bank_reaches_the_practice_page(qtbot: QtBot, main_window: MainWindow) -> None:
    banks_dir = main_window.context.data_paths.banks
    (banks_dir / "acme.yaml").write_text(yaml.safe_dump(bank("acme", n_questions=3)), encoding="utf-8")
    main_window.context.banks.reload()
    view = open_settings(qtbot, main_window, "data")
    view.load()
    items = {
        view.data.banks.item(i).data(Qt.ItemDataRole.UserRole): view.data.banks.item(i)
        for i in range(view.data.banks.count())
    }
    assert set(items) == {"default", "acme"}
    items["acme"].setCheckState(Qt.CheckState.Checked)
    assert view.save()
    assert load_settings().active_banks == ["default", "acme"]
    assert main_window.context.banks.active_ids == ["default", "acme"]
    setup = main_window.practice.setup
    assert setup.banks.count() == 2


def test_changing_the_data_folder_reopens_the_app_there(qtbot: QtBot, main_window: MainWindow, tmp_path: Path) -> None:
    view = open_settings(qtbot, main_window, "data")
    view.data.data_dir.setText(str(tmp_path / "elsewhere"))
    with qtbot.waitSignal(main_window.reopen_requested) as signal:
        assert view.save()
    assert signal.args == [None]
    written = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
    assert written["data_dir"] == str(tmp_path / "elsewhere")
