"""Writing a backup archive (consistent even while the app has the database open) and listing backups."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from tpm_coach import __version__
from tpm_coach.errors import StorageError
from tpm_coach.maintenance.archive import (
    BACKUP_GLOB,
    DATABASE_NAME,
    FOLDERS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    NOT_INCLUDED,
    FileEntry,
    Manifest,
    RefusalReason,
    RestoreRefusedError,
    allowed_location,
    remove_stale_scratch,
)
from tpm_coach.maintenance.checked_zip import ArchiveRules, read_json_member
from tpm_coach.paths import DataPaths
from tpm_coach.storage import Database

log = logging.getLogger(__name__)

BACKUP_RULES = ArchiveRules(
    what="backup",
    manifest_name=MANIFEST_NAME,
    folders=FOLDERS,
    allowed=allowed_location,
    allowed_text="only the database, audio/ and banks/ can be restored",
    error=RestoreRefusedError,
)

_CHUNK = 1024 * 1024
# Recordings barely shrink under deflate, and compressing hours of audio would cost minutes of CPU.
_STORED_SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    skipped: list[str]  # links and special files found in the data folder and left out


@dataclass(frozen=True)
class BackupInfo:
    """A backup archive found on disk; `problem` is set when its manifest cannot be read."""

    path: Path
    size_bytes: int
    manifest: Manifest | None
    problem: str | None = None


def backups_folder(data_paths: DataPaths) -> Path:
    """Where backups go by default: beside the data folder, so restoring never overwrites them."""
    return data_paths.root.resolve().parent


def default_backup_path(data_paths: DataPaths, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = backups_folder(data_paths)
    candidate = folder / f"tpm_coach-backup-{stamp}.zip"
    number = 1
    while candidate.exists():
        number += 1
        candidate = folder / f"tpm_coach-backup-{stamp}-{number}.zip"
    return candidate


def create_backup(data_paths: DataPaths, output: Path | None = None) -> BackupResult:
    """Write one zip with the database, audio and user banks; the file appears whole or not at all."""
    output = (output or default_backup_path(data_paths)).expanduser().absolute()
    if output.resolve().is_relative_to(data_paths.root.resolve()):
        raise StorageError(
            f"the backup {output} would be inside the data folder it backs up",
            "choose a place outside it with -o",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_scratch(output.parent, ".tpm_coach-backup-*")
    try:
        with tempfile.TemporaryDirectory(prefix=".tpm_coach-backup-", dir=output.parent) as scratch:
            result = _write_archive(data_paths, output, Path(scratch))
    except OSError as exc:
        raise StorageError(
            f"could not write the backup {output}: {exc.strerror or exc}",
            "free some disk space or choose another place with -o; nothing was changed",
        ) from exc
    log.info(
        "backup written to %s: %d files, %d bytes, schema %d",
        output,
        len(result.manifest.files),
        result.manifest.total_bytes,
        result.manifest.schema_version,
    )
    return result


def _write_archive(data_paths: DataPaths, output: Path, scratch: Path) -> BackupResult:
    db_copy = scratch / DATABASE_NAME
    schema_version = _copy_database(data_paths.database, db_copy)
    entries: list[FileEntry] = []
    skipped: list[str] = []
    partial = scratch / "archive.zip"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        entries.append(add_file(archive, db_copy, DATABASE_NAME))
        for folder in FOLDERS:
            for path, name in _data_files(data_paths.root / folder, folder, skipped):
                entries.append(add_file(archive, path, name))
        manifest = Manifest(
            format=FORMAT_NAME,
            format_version=FORMAT_VERSION,
            app_version=__version__,
            schema_version=schema_version,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            files=entries,
            not_included=list(NOT_INCLUDED),
        )
        archive.writestr(member_info(MANIFEST_NAME), manifest.model_dump_json(indent=2))
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, output)
    return BackupResult(output, manifest, skipped)


def _copy_database(source: Path, target: Path) -> int:
    """Copy with the online backup API (a consistent snapshot, WAL included); returns its schema version."""
    db = Database.open(source)  # creates an empty, current database on a first run
    try:
        problems = db.quick_check()
        if problems:
            raise StorageError(
                f"the database {source} is damaged ({problems[0]}), so a backup of it could not be restored",
                "restore an earlier backup with `tpm-coach restore FILE`",
            )
        copy = sqlite3.connect(target)
        try:
            db.conn.backup(copy)
            # A self-contained file (no -wal beside it) that a read-only check can open later.
            copy.execute("PRAGMA journal_mode = DELETE")
            return int(copy.execute("PRAGMA user_version").fetchone()[0])
        finally:
            copy.close()
    finally:
        db.close()


def _data_files(folder: Path, prefix: str, skipped: list[str]) -> Iterator[tuple[Path, str]]:
    """Regular files under `folder` with their archive names; links and special files are skipped."""
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        here = Path(dirpath)
        for filename in sorted(filenames):
            path = here / filename
            name = f"{prefix}/{path.relative_to(folder).as_posix()}"
            mode = path.lstat().st_mode
            if not stat.S_ISREG(mode):
                skipped.append(name)
                continue
            if filename.startswith(".") and filename.endswith(".tmp"):
                continue  # an interrupted atomic save; the real file beside it is the data
            yield path, name


def member_info(name: str, mtime: float | None = None) -> zipfile.ZipInfo:
    stamp = datetime.fromtimestamp(mtime) if mtime is not None else datetime.now()
    info = zipfile.ZipInfo(name, date_time=(max(stamp.year, 1980), *stamp.timetuple()[1:6]))
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    return info


def add_file(archive: zipfile.ZipFile, path: Path, name: str) -> FileEntry:
    """Stream a file in while hashing it; the size recorded is what was read (a live recording may grow)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        info = member_info(name, os.fstat(source.fileno()).st_mtime)
        large = os.fstat(source.fileno()).st_size > 1024**3
        with archive.open(info, "w", force_zip64=large) as target:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                target.write(chunk)
                size += len(chunk)
    return FileEntry(path=name, size=size, sha256=digest.hexdigest())


def read_manifest(archive: zipfile.ZipFile, max_bytes: int) -> Manifest:
    """The manifest of an open archive, checked for a format this app knows."""
    raw = read_json_member(archive, MANIFEST_NAME, max_bytes, BACKUP_RULES)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise RestoreRefusedError(RefusalReason.MANIFEST_INVALID, "the manifest is not that of a tpm_coach backup")
    version = raw.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise RestoreRefusedError(
            RefusalReason.FORMAT_TOO_NEW,
            f"this backup was made by a newer tpm_coach (backup format {version}; this version reads {FORMAT_VERSION})",
            "upgrade tpm_coach to restore it; your current data was not changed",
        )
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RestoreRefusedError(
            RefusalReason.MANIFEST_INVALID, f"the backup's manifest is invalid at {where}: {first['msg']}"
        ) from exc
    if manifest.format_version != FORMAT_VERSION:
        raise RestoreRefusedError(
            RefusalReason.MANIFEST_INVALID, f"unknown backup format version {manifest.format_version}"
        )
    return manifest


def describe_backup(path: Path, max_manifest_bytes: int = 32 * 1024**2) -> BackupInfo:
    """What a backup holds, from its manifest alone (members are checked only when restoring)."""
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            return BackupInfo(path, size, read_manifest(archive, max_manifest_bytes))
    except RestoreRefusedError as exc:
        return BackupInfo(path, size, None, exc.message)
    except (zipfile.BadZipFile, OSError) as exc:
        return BackupInfo(path, size, None, f"not a readable zip file ({exc})")


def list_backups(data_paths: DataPaths, extra_folders: tuple[Path, ...] = ()) -> list[BackupInfo]:
    """Backups in the default folder (and `extra_folders`), newest first."""
    found: dict[Path, None] = {}
    for folder in (backups_folder(data_paths), *extra_folders):
        with contextlib.suppress(OSError):
            for path in folder.glob(BACKUP_GLOB):
                if path.is_file():
                    found[path.resolve()] = None
    return [describe_backup(p) for p in sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)]
