"""Where things live: the bundled prompts/ and assets/ (source tree or wheel) and the user's folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tpm_coach"
_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`prompts` or `assets`: beside the package in a source checkout, inside it (`_data/`) in a wheel."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tpm_coach resource folder '{name}' is missing; reinstall tpm_coach")


def prompts_dir() -> Path:
    return resource_dir("prompts")


def assets_dir() -> Path:
    return resource_dir("assets")


def default_bank_path() -> Path:
    return assets_dir() / "question_banks" / "default.yaml"


def config_dir() -> Path:
    return Path(os.environ.get("TPM_COACH_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_data_dir() -> Path:
    return Path(os.environ.get("TPM_COACH_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    return Path(os.environ.get("TPM_COACH_LOG_DIR") or platformdirs.user_log_dir(APP_NAME))


@dataclass(frozen=True)
class DataPaths:
    """The folders under one data directory; rows in the database store paths relative to `root`."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "tpm_coach.sqlite3"

    @property
    def audio(self) -> Path:
        return self.root / "audio"

    @property
    def banks(self) -> Path:
        return self.root / "banks"

    def ensure(self) -> DataPaths:
        for folder in (self.root, self.audio, self.banks):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def relative(self, path: Path) -> str:
        """A path under the data dir as stored in the database (POSIX, relative)."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def absolute(self, stored: str) -> Path:
        resolved = (self.root / stored).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise ValueError(f"stored path escapes the data directory: {stored}")
        return resolved
