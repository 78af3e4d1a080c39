"""`tpm-coach speech-models list|download|measure`, run as real processes against a local model hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import tpm
from tests.support.hub_server import bundled_tiny_en, hub_server

MEASURE_S = 300


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "speech-models"


def _env(models_dir: Path, endpoint: str = "http://127.0.0.1:9") -> dict[str, str]:
    return {"TPM_COACH_SPEECH_MODELS_DIR": str(models_dir), "HF_ENDPOINT": endpoint}


def _listed(models_dir: Path) -> dict[str, dict[str, object]]:
    result = tpm("speech-models", "list", "--json", env=_env(models_dir))
    assert result.returncode == 0, result.stderr
    return {m["name"]: m for m in json.loads(result.stdout)["models"]}


def test_list_names_each_model_with_size_languages_and_accuracy(models_dir: Path) -> None:
    models = _listed(models_dir)
    assert list(models) == ["tiny.en", "base", "base.en", "small.en"]
    tiny, base = models["tiny.en"], models["base"]
    assert (tiny["bundled"], tiny["installed"], tiny["languages"]) == (True, True, "English only")
    assert (base["installed"], base["multilingual"], base["size_mb"]) == (False, True, 145)
    assert base["repo"] == "Systran/faster-whisper-base"
    assert base["wer_librivox"] == 0.014 and tiny["wer_librivox"] == 0.070
    assert models["small.en"]["accuracy"] == models["base.en"]["accuracy"] == "not measured"
    text = tpm("speech-models", "list", env=_env(models_dir)).stdout
    assert "small.en" in text and "not measured" in text and "99 languages" in text


def test_download_shows_progress_then_the_model_is_listed_as_downloaded(models_dir: Path) -> None:
    with hub_server({"Systran/faster-whisper-base": bundled_tiny_en()}) as hub:
        result = tpm("speech-models", "download", "base", env=_env(models_dir, hub.endpoint))
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == models_dir / "whisper-base"
    assert "downloading base:" in result.stderr and "(100%)" in result.stderr
    assert _listed(models_dir)["base"]["installed"] is True
    assert (models_dir / "whisper-base" / "model.bin").stat().st_size == (
        bundled_tiny_en() / "model.bin"
    ).stat().st_size


def test_download_of_an_unknown_or_built_in_name(models_dir: Path) -> None:
    unknown = tpm("speech-models", "download", "huge.en", env=_env(models_dir))
    assert unknown.returncode == 2
    assert "'huge.en' is not an offered speech model" in unknown.stderr and "small.en" in unknown.stderr
    built_in = tpm("speech-models", "download", "tiny.en", env=_env(models_dir))
    assert built_in.returncode == 0 and "built in" in built_in.stderr


def test_measure_needs_the_model_downloaded_first(models_dir: Path) -> None:
    result = tpm("speech-models", "measure", "base", env=_env(models_dir))
    assert result.returncode == 2
    assert "not downloaded yet" in result.stderr
    assert "tpm-coach speech-models download base" in result.stderr


def test_measure_reports_the_cost_on_this_computer(models_dir: Path) -> None:
    result = tpm("speech-models", "measure", "tiny.en", "--json", env=_env(models_dir), timeout=MEASURE_S)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["model"] == "tiny.en"
    assert data["sample"] == "the sample answer shipped with the app"
    assert 28 <= data["window_audio_s"] <= 29 and data["tail_audio_s"] == 5.0
    assert data["window_s"] > 0 and data["tail_s"] > 0 and data["load_s"] > 0
    assert data["window_rtf"] == pytest.approx(data["window_s"] / data["window_audio_s"], abs=0.002)
    assert data["projected_stop_s"] == pytest.approx(2 * data["tail_s"], abs=0.002)
    assert 100 < data["peak_memory_mb"] < 4000
    assert 0 <= data["wer"] < 0.3
    assert data["fits"] is (data["reasons"] == [])
    assert "tiny.en" in data["summary"]
    plain = tpm("speech-models", "measure", "tiny.en", env=_env(models_dir), timeout=MEASURE_S)
    assert plain.returncode == 0 and "loading tiny.en" in plain.stderr
    assert "of work per second of speech" in plain.stdout
