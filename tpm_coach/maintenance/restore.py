"""Restoring a backup: check everything first, then swap the data folder, keeping the old one beside it.

Order of work, so that a refusal at any step leaves the current data exactly as it was:
1. member names, kinds, sizes and counts against the manifest and the limits (nothing written yet);
2. extraction into a hidden folder beside the data folder, checking every sha256;
3. `PRAGMA integrity_check` and the schema version of the extracted database;
4. the current data folder is renamed aside (kept, with a timestamp) and the new one renamed in.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tpm_coach.atomic import fsync_dir
from tpm_coach.errors import StorageError
from tpm_coach.maintenance.archive import (
    DATABASE_NAME,
    Limits,
    Manifest,
    RefusalReason,
    RestoreRefusedError,
    remove_stale_scratch,
)
from tpm_coach.maintenance.backup import BACKUP_RULES, read_manifest
from tpm_coach.maintenance.checked_zip import Planned, extract_members, open_archive, plan_members
from tpm_coach.paths import DataPaths
from tpm_coach.storage import SCHEMA_VERSION

log = logging.getLogger(__name__)

_SPACE_MARGIN = 16 * 1024**2
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    root: Path
    previous: Path | None  # the data folder as it was before, renamed; None if there was none


def kept_folders(data_paths: DataPaths) -> list[Path]:
    """Data folders set aside by earlier restores, newest first."""
    root = data_paths.root.expanduser().resolve()
    with contextlib.suppress(OSError):
        return sorted((p for p in root.parent.glob(f"{root.name}.before-restore-*") if p.is_dir()), reverse=True)
    return []


def verify_backup(
    archive_path: Path, *, limits: Limits = DEFAULT_LIMITS, scratch_parent: Path | None = None
) -> Manifest:
    """Every check a restore makes (extracting into a temporary folder), without changing any data."""
    with _open(archive_path) as archive:
        manifest = read_manifest(archive, limits.max_manifest_bytes)
        members = _planned_members(archive, manifest, limits)
        if scratch_parent is not None:
            scratch_parent.mkdir(parents=True, exist_ok=True)
            remove_stale_scratch(scratch_parent, ".tpm_coach-verify-*")
        with tempfile.TemporaryDirectory(prefix=".tpm_coach-verify-", dir=scratch_parent) as scratch:
            _check_space(Path(scratch), manifest)
            _extract(archive, members, Path(scratch))
            _check_database(Path(scratch) / DATABASE_NAME, manifest)
    return manifest


def restore_backup(archive_path: Path, data_paths: DataPaths, *, limits: Limits = DEFAULT_LIMITS) -> RestoreResult:
    """Replace the data folder with the backup's contents once all of it has been checked.

    The app must have closed its database first; a database still open elsewhere is refused.
    """
    root = data_paths.root.expanduser().resolve()
    root.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_scratch(root.parent, f".{root.name}.restoring-*")
    with _open(archive_path) as archive:
        manifest = read_manifest(archive, limits.max_manifest_bytes)
        members = _planned_members(archive, manifest, limits)
        _check_space(root.parent, manifest)
        # The new folder is built beside the old one, on the same file system, so the swap is a rename.
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.restoring-", dir=root.parent))
        try:
            _extract(archive, members, staging)
            _check_database(staging / DATABASE_NAME, manifest)
            DataPaths(staging).ensure()
            try:
                previous = _swap(staging, root)
            except OSError as exc:
                raise StorageError(
                    f"could not move the restored data into {root}: {exc.strerror or exc}",
                    "your current data was not changed",
                ) from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    log.info("restored %s into %s; previous data kept in %s", archive_path, root, previous)
    return RestoreResult(manifest, root, previous)


def _open(archive_path: Path) -> zipfile.ZipFile:
    return open_archive(archive_path, BACKUP_RULES)


def _planned_members(archive: zipfile.ZipFile, manifest: Manifest, limits: Limits) -> Planned:
    """The shared member checks, with what only a backup needs: a known schema and a database."""
    if manifest.schema_version > SCHEMA_VERSION:
        raise RestoreRefusedError(
            RefusalReason.SCHEMA_TOO_NEW,
            f"this backup was made by a newer tpm_coach (database schema {manifest.schema_version}; this version "
            f"knows up to {SCHEMA_VERSION})",
            "upgrade tpm_coach to restore it; your current data was not changed",
        )
    planned = plan_members(archive, manifest.files, limits, BACKUP_RULES)
    if not any(entry.path == DATABASE_NAME for _, entry in planned):
        raise RestoreRefusedError(RefusalReason.MISSING_MEMBER, "the backup has no database")
    return planned


def _check_space(folder: Path, manifest: Manifest) -> None:
    free = shutil.disk_usage(folder).free
    if manifest.total_bytes + _SPACE_MARGIN > free:
        raise RestoreRefusedError(
            RefusalReason.NO_SPACE,
            f"restoring needs {manifest.total_bytes / 1_048_576:,.0f} MB and {folder} has "
            f"{free / 1_048_576:,.0f} MB free",
            "free some disk space and try again; your current data was not changed",
        )


def _extract(archive: zipfile.ZipFile, members: Planned, target: Path) -> None:
    extract_members(archive, members, target, BACKUP_RULES)


def _check_database(path: Path, manifest: Manifest) -> None:
    """The restored database must be sound and of a schema this app can open."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise RestoreRefusedError(
            RefusalReason.DATABASE_DAMAGED, f"the backup's database cannot be opened ({exc})"
        ) from exc
    try:
        # The file came from outside: its triggers and views must not call functions with side effects.
        conn.execute("PRAGMA trusted_schema = OFF")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise RestoreRefusedError(RefusalReason.DATABASE_DAMAGED, f"the backup's database is damaged ({exc})") from exc
    finally:
        conn.close()
    if problems != ["ok"]:
        raise RestoreRefusedError(
            RefusalReason.DATABASE_DAMAGED,
            f"the backup's database fails its integrity check ({problems[0]}"
            + (f" and {len(problems) - 1} more problems)" if len(problems) > 1 else ")"),
        )
    if version > SCHEMA_VERSION:
        raise RestoreRefusedError(
            RefusalReason.SCHEMA_TOO_NEW,
            f"the backup's database was written by a newer tpm_coach (schema {version}; this version knows up "
            f"to {SCHEMA_VERSION})",
            "upgrade tpm_coach to restore it; your current data was not changed",
        )
    if version != manifest.schema_version:
        raise RestoreRefusedError(
            RefusalReason.MANIFEST_INVALID,
            f"the manifest says database schema {manifest.schema_version} but the database has {version}",
        )


def _ensure_not_in_use(database: Path) -> None:
    """Refuse while another connection has the database open, without writing to it.

    In WAL mode every open connection holds a shared lock on the -shm file, even when idle, so taking
    the exclusive lock fails with SQLITE_BUSY while the app (or anything else) has the file open.
    """
    if not database.exists():
        return
    try:
        conn = sqlite3.connect(database, timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchall()
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise RestoreRefusedError(
                RefusalReason.IN_USE,
                f"the database {database} is open in tpm-coach or another program",
                "close tpm-coach and run the restore again; your current data was not changed",
            ) from exc
        # Any other failure means a damaged file, which is what the restore replaces.
    except sqlite3.DatabaseError:
        pass
    finally:
        conn.close()


def _swap(staging: Path, root: Path) -> Path | None:
    """Rename the current folder aside and the restored one into place; undo the first if the second fails."""
    previous: Path | None = None
    if root.exists():
        _ensure_not_in_use(root / DATABASE_NAME)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        previous = root.parent / f"{root.name}.before-restore-{stamp}"
        number = 1
        while previous.exists():
            number += 1
            previous = root.parent / f"{root.name}.before-restore-{stamp}-{number}"
        os.rename(root, previous)
    try:
        os.rename(staging, root)
    except OSError as exc:
        if previous is not None:
            try:
                os.rename(previous, root)
            except OSError:
                raise StorageError(
                    f"could not move the restored data into {root} ({exc.strerror or exc})",
                    f"your previous data is whole in {previous}: rename it back to {root.name}",
                ) from exc
        raise
    fsync_dir(root.parent)
    return previous
