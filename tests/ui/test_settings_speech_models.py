"""Settings > Transcription offers the larger speech model: download from a local model hub with a moving progress
bar, a measurement on this computer, then "Use this model" switches the saved setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.hub_server import HubBehaviour, HubServer, bundled_tiny_en, hub_server
from tpm_coach.config import load_settings
from tpm_coach.context import AppContext
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.settings.view import SettingsView
from tpm_coach.ui.workers import WorkerPool

MEASURE_MS = 240_000


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "speech-models"
    monkeypatch.setenv("TPM_COACH_SPEECH_MODELS_DIR", str(root))
    return root


@pytest.fixture
def slow_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """The real tiny.en files served as "base", a little slowly so the progress bar is seen to move."""
    with hub_server({"Systran/faster-whisper-base": bundled_tiny_en()}, HubBehaviour(chunk_pause_s=0.002)) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        yield hub


@pytest.fixture
def view(
    qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool, models_dir: Path
) -> Iterator[SettingsView]:
    settings = SettingsView(ViewDeps.build(app_context, messages, workers))
    qtbot.addWidget(settings)
    settings.show_section("transcription")
    settings.show()
    yield settings
    settings.shutdown()


def _cells(view: SettingsView, name: str) -> list[str]:
    table = view.speech_models.table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == name:
            return [table.item(row, c).text() for c in range(table.columnCount())]
    raise AssertionError(f"{name} is not listed")


def test_download_measure_and_use_the_recommended_model(
    qtbot: QtBot, view: SettingsView, models_dir: Path, slow_hub: HubServer
) -> None:
    panel = view.speech_models
    assert _cells(view, "tiny.en") == [
        "tiny.en",
        "76 MB",
        "English only",
        "7.0% of words wrong on read speech",
        "built in, in use",
    ]
    assert _cells(view, "base")[2:] == ["99 languages", "1.4% of words wrong on read speech", "not downloaded"]
    assert _cells(view, "small.en")[3] == "not measured"
    assert "Recommended for this computer: base" in panel.advice.text()
    assert not panel.use.isEnabled()
    seen: list[int] = []
    panel.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(panel.download, qtbot_button())
    assert panel.cancel.isVisible() and not panel.download.isEnabled()
    qtbot.waitUntil(lambda: not panel.running, timeout=MEASURE_MS)
    assert panel.cost.text().startswith("On this computer base keeps the live text going with"), panel.status.text()
    assert "MB of memory" in panel.cost.text()
    assert "the sample answer shipped with the app" in panel.status.text()
    downloading = [v for v in seen if v > 0]
    assert len(set(downloading)) > 10 and downloading == sorted(downloading) and downloading[-1] == 1000
    assert _cells(view, "base")[4] == "downloaded"
    assert panel.use.isEnabled() and not panel.cancel.isVisible()
    qtbot.mouseClick(panel.use, qtbot_button())
    assert load_settings().transcription.model == "base"
    assert view.context.settings.transcription.model == "base"
    assert view.transcription.model.currentText() == "base"
    assert "multilingual" in view.transcription.languages.text()
    assert _cells(view, "base")[4] == "downloaded, in use"
    assert panel.use.text() == "In use" and not panel.use.isEnabled()


def test_cancel_during_the_download_leaves_nothing(
    qtbot: QtBot, view: SettingsView, models_dir: Path, slow_hub: HubServer
) -> None:
    panel = view.speech_models
    qtbot.mouseClick(panel.download, qtbot_button())
    qtbot.waitUntil(lambda: panel.progress.value() > 50, timeout=60_000)
    qtbot.mouseClick(panel.cancel, qtbot_button())
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    assert panel.status.text() == "Cancelled. Nothing was changed."
    assert list(models_dir.iterdir()) == []
    assert _cells(view, "base")[4] == "not downloaded"
    assert load_settings().transcription.model == "tiny.en"


def qtbot_button() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
