"""Downloading a speech model from a real HTTP server laid out like the model hub, serving the real tiny.en files."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hub_server import HubBehaviour, bundled_tiny_en, hub_server
from tests.support.small_disk import mounted_tmpfs
from tests.support.speech import espeak_answer, have_espeak
from tpm_coach.errors import TranscriptionError
from tpm_coach.language.wer import wer
from tpm_coach.transcription.catalogue import model_dir
from tpm_coach.transcription.download import DownloadCancelled, DownloadProgress, download_model
from tpm_coach.transcription.models import resolve_model

REPO = "Systran/faster-whisper-base"


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty speech-models folder of the test's own."""
    root = tmp_path / "speech-models"
    monkeypatch.setenv("TPM_COACH_SPEECH_MODELS_DIR", str(root))
    return root


def _served_bytes() -> int:
    return sum(f.stat().st_size for f in bundled_tiny_en().iterdir() if f.is_file())


def _installed_model(root: Path) -> Path:
    """A stand-in installed model whose files must survive a failed download."""
    folder = model_dir("base", root)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / "model.bin").write_bytes(b"installed")
    return folder


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_a_download_reports_growing_progress_then_transcribes(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not have_espeak():
        pytest.skip("needs espeak-ng (Debian package) to speak an answer")
    reports: list[DownloadProgress] = []
    with hub_server({REPO: bundled_tiny_en()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        folder = download_model("base", REPO, progress=reports.append)
    assert folder == hub_env / "whisper-base"
    assert _leftovers(hub_env) == ["whisper-base"]
    served = {f.name: f.stat().st_size for f in bundled_tiny_en().iterdir()}
    assert {f.name: f.stat().st_size for f in folder.iterdir()} == served
    done = [r.done_bytes for r in reports]
    assert done == sorted(done) and len(set(done)) > 10
    assert {r.total_bytes for r in reports} == {_served_bytes()}
    assert done[-1] == _served_bytes()
    # The app finds it by name now, without any network.
    resolved = resolve_model("base")
    assert (resolved.source, resolved.path) == ("installed", folder)
    from tpm_coach.config import TranscriptionSettings
    from tpm_coach.transcription import create_engine

    audio, reference = espeak_answer(tmp_path, 8, seed=3)
    engine = create_engine(TranscriptionSettings(model="base", threads=2))
    assert wer(reference, engine.transcribe(audio).text) < 0.3


def test_cancelling_midway_leaves_nothing(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(report: DownloadProgress) -> None:
        seen.append(report.done_bytes)
        if report.done_bytes > 5_000_000:
            cancel.set()

    with hub_server({REPO: bundled_tiny_en()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        with pytest.raises(DownloadCancelled, match="cancelled"):
            download_model("base", REPO, progress=progress, cancel=cancel)
    assert 5_000_000 < seen[-1] < _served_bytes()
    assert _leftovers(hub_env) == []


def test_a_missing_file_is_a_clear_error_and_the_installed_model_stays(
    hub_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A different name, so the installed "base" is not simply returned: both share the folder.
    installed = _installed_model(hub_env)
    behaviour = HubBehaviour(missing={"tokenizer.json"})
    with hub_server({"Systran/faster-whisper-base.en": bundled_tiny_en()}, behaviour) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        with pytest.raises(TranscriptionError, match=r"no file 'tokenizer\.json'.*HTTP 404") as caught:
            download_model("base.en", "Systran/faster-whisper-base.en")
        with pytest.raises(TranscriptionError, match=r"no file 'config\.json'.*HTTP 404"):
            download_model("small.en", "Systran/faster-whisper-small.en")
    assert "speech-models list" in caught.value.hint
    assert _leftovers(hub_env) == ["whisper-base"]
    assert (installed / "model.bin").read_bytes() == b"installed"


def test_a_body_cut_short_is_a_clear_error_and_leaves_nothing(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = _installed_model(hub_env)
    behaviour = HubBehaviour(cut_after={"model.bin": 3_000_000})
    with hub_server({"Systran/faster-whisper-base.en": bundled_tiny_en()}, behaviour) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        with pytest.raises(TranscriptionError, match=r"broke off: model\.bin arrived with 3,000,000 of") as caught:
            download_model("base.en", "Systran/faster-whisper-base.en")
    assert "download it again" in caught.value.hint
    assert _leftovers(hub_env) == ["whisper-base"]
    assert (installed / "model.bin").read_bytes() == b"installed"


def test_an_installed_model_is_not_downloaded_again(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = _installed_model(hub_env)
    with hub_server({REPO: bundled_tiny_en()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        assert download_model("base", REPO) == installed
    assert hub.behaviour.requests == []


def test_an_unreachable_hub_says_so(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.model_servers import closed_port

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(TranscriptionError, match="cannot be reached") as caught:
        download_model("base", REPO)
    assert "internet connection" in caught.value.hint
    assert _leftovers(hub_env) == []


def test_resolving_a_named_model_downloads_it_when_allowed(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reports: list[DownloadProgress] = []
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with hub_server({"Systran/faster-whisper-base.en": bundled_tiny_en()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        resolved = resolve_model("base.en", progress=reports.append, cache_dir=hub_env / "no-hf-cache")
    assert (resolved.source, resolved.path) == ("download", hub_env / "whisper-base.en")
    assert reports[-1].fraction == 1.0


def test_the_apps_speech_process_reports_a_download_it_makes(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tpm_coach.config import TranscriptionSettings
    from tpm_coach.transcription.speech_process import ProcessEngine

    monkeypatch.delenv("HF_HUB_OFFLINE")  # the child reads the environment it is started with
    reports: list[DownloadProgress] = []
    with hub_server({"Systran/faster-whisper-small.en": bundled_tiny_en()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        engine = ProcessEngine(TranscriptionSettings(model="small.en", threads=2), progress=reports.append)
        try:
            engine.prepare()
        finally:
            engine.close()
    assert engine.model_name == "small.en"
    done = [r.done_bytes for r in reports]
    assert done == sorted(done) and done[-1] == _served_bytes() and reports[-1].fraction == 1.0
    assert {r.model for r in reports} == {"small.en"}
    assert _leftovers(hub_env) == ["whisper-small.en"]


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real 8 MB filesystem (tmpfs) as the speech-models folder: too small for the 78 MB model."""
    with mounted_tmpfs(tmp_path / "small-disk", "8m") as mount_point:
        monkeypatch.setenv("TPM_COACH_SPEECH_MODELS_DIR", str(mount_point))
        yield mount_point


def test_a_disk_too_small_is_said_before_downloading(small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with hub_server({REPO: bundled_tiny_en()}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        with pytest.raises(TranscriptionError, match=r"needs 78 MB but .* has [0-9] MB free") as caught:
            download_model("base", REPO)
    assert "free some disk space" in caught.value.hint
    assert not [m for m, _ in hub.behaviour.requests if m == "GET"]
    assert _leftovers(small_disk) == []


def test_a_disk_that_fills_up_midway_is_said_and_cleaned(small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    behaviour = HubBehaviour(head_without_size=True)  # the size is unknown until the files come
    with hub_server({REPO: bundled_tiny_en()}, behaviour) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        with pytest.raises(TranscriptionError, match="the disk became full") as caught:
            download_model("base", REPO)
    assert "free some disk space" in caught.value.hint
    assert _leftovers(small_disk) == []
    assert shutil.disk_usage(small_disk).used < 1_000_000
