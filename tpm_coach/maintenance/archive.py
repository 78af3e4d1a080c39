"""The backup archive format: a zip with the database, audio and user banks, described by a manifest.

Layout (paths inside the zip mirror the data folder):
    manifest.json            format, versions, and every file with its size and sha256
    tpm_coach.sqlite3        the database, copied with SQLite's online backup API
    audio/...                recordings
    banks/...                the user's question banks
"""

from __future__ import annotations

import logging
import re
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from tpm_coach.errors import StorageError

log = logging.getLogger(__name__)

FORMAT_NAME = "tpm_coach-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "tpm_coach.sqlite3"
FOLDERS = ("audio", "banks")
BACKUP_GLOB = "tpm_coach-backup-*.zip"

NOT_INCLUDED = (
    "the LLM API key (it stays in the OS keyring or the OPENAI_API_KEY environment variable)",
    "settings (config.toml)",
    "log files",
)


class RefusalReason(StrEnum):
    NOT_AN_ARCHIVE = "not_an_archive"
    MANIFEST_MISSING = "manifest_missing"
    MANIFEST_INVALID = "manifest_invalid"
    FORMAT_TOO_NEW = "format_too_new"
    UNSAFE_MEMBER = "unsafe_member"
    UNEXPECTED_MEMBER = "unexpected_member"
    MISSING_MEMBER = "missing_member"
    TOO_LARGE = "too_large"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    DATABASE_DAMAGED = "database_damaged"
    SCHEMA_TOO_NEW = "schema_too_new"
    NO_SPACE = "no_space"
    IN_USE = "in_use"
    CONTENT_INVALID = "content_invalid"


class ArchiveRefusedError(StorageError):
    """An archive from outside was not unpacked; `reason` says why, and the current data was not changed."""

    def __init__(self, reason: RefusalReason, message: str, hint: str = "") -> None:
        super().__init__(message, hint or "your current data was not changed")
        self.reason = reason


class RestoreRefusedError(ArchiveRefusedError):
    """A backup was not restored; `reason` says why, and the current data was not changed."""


@dataclass(frozen=True)
class Limits:
    """Bounds a restore checks before it writes anything, so a hostile archive cannot fill the disk."""

    max_members: int = 100_000
    max_total_bytes: int = 64 * 1024**3
    max_manifest_bytes: int = 32 * 1024**2


class FileEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    path: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    format: str
    format_version: int
    app_version: str
    schema_version: int = Field(ge=0)
    created_at: str
    files: list[FileEntry]
    not_included: list[str] = Field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def count(self, folder: str) -> int:
        return sum(1 for f in self.files if f.path.startswith(folder + "/"))


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_name_problem(name: str) -> str | None:
    """Why `name` cannot be extracted under the data folder, or None when it is a plain relative path."""
    if not name:
        return "an empty name"
    if "\x00" in name or "\\" in name:
        return "a NUL or backslash in the name"
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "'..', '.' or an empty part in the path"
    if len(name) > 1024 or any(len(part.encode("utf-8")) > 255 for part in parts):
        return "a name that is too long"
    return None


def allowed_location(name: str) -> bool:
    """The database file itself, or a file inside audio/ or banks/."""
    first, _, rest = name.partition("/")
    return name == DATABASE_NAME or (first in FOLDERS and bool(rest))


def member_kind_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a member is not a plain file: a link, device, pipe, encrypted or oddly compressed entry."""
    mode = info.external_attr >> 16
    # Zips written on Windows or by tools that keep no Unix mode have 0 here: a plain file.
    if mode and not stat.S_ISREG(mode) and not (info.is_dir() and stat.S_ISDIR(mode)):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "a device, pipe or other special file"
        return kind
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return "compressed with an unsupported method"
    return None


STALE_AFTER_S = 3600.0


def remove_stale_scratch(folder: Path, pattern: str, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete hidden work folders left by a backup or restore that was killed (copies, never the user's data).

    Only folders untouched for an hour go, so one still in use by another process is left alone.
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than_s
    try:
        candidates = [p for p in folder.glob(pattern) if p.is_dir() and not p.is_symlink()]
    except OSError:
        return removed
    for candidate in candidates:
        try:
            if candidate.stat().st_mtime >= cutoff:
                continue
        except OSError:
            continue
        shutil.rmtree(candidate, ignore_errors=True)
        log.info("removed %s, left by an interrupted backup or restore", candidate)
        removed.append(candidate)
    return removed
