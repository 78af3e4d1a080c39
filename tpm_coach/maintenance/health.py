"""The start-up check of the database: sound, missing (a first run), damaged or from a newer version.

It never changes or replaces anything: a damaged database is reported with the backups that could
restore it, and the app asks the user what to do.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from tpm_coach.maintenance.backup import BackupInfo, list_backups
from tpm_coach.maintenance.restore import kept_folders
from tpm_coach.paths import DataPaths
from tpm_coach.storage import SCHEMA_VERSION


class DatabaseState(StrEnum):
    OK = "ok"
    MISSING = "missing"  # a first run: the app creates it
    DAMAGED = "damaged"
    TOO_NEW = "too_new"  # written by a newer tpm_coach


@dataclass(frozen=True)
class DatabaseHealth:
    state: DatabaseState
    path: Path
    schema_version: int | None
    problems: list[str] = field(default_factory=list)
    backups: list[BackupInfo] = field(default_factory=list)
    kept_folders: list[Path] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.state in (DatabaseState.OK, DatabaseState.MISSING)

    def message(self) -> str:
        """What to tell the user, in a sentence or two."""
        if self.state is DatabaseState.OK:
            return f"The database is sound (schema {self.schema_version})."
        if self.state is DatabaseState.MISSING:
            if self.kept_folders:
                return (
                    f"There is no database in {self.path.parent}, but {self.kept_folders[0]} holds data set aside "
                    "by a restore. Move it back, or restore a backup, before starting fresh."
                )
            return "No database yet; a new one will be created."
        if self.state is DatabaseState.TOO_NEW:
            return (
                f"The database was written by a newer tpm_coach (schema {self.schema_version}; this version knows "
                f"up to {SCHEMA_VERSION}). Upgrade tpm_coach; your data has not been changed."
            )
        offer = " No backup was found; `tpm-coach restore FILE` restores one kept elsewhere."
        for backup in self.backups:
            if backup.manifest is not None:
                offer = f" You can restore the backup of {backup.manifest.created_at} ({backup.path.name}) or another."
                break
        return f"The database {self.path} is damaged ({self.problems[0]}). Nothing has been changed.{offer}"


def check_database(data_paths: DataPaths, *, full: bool = False) -> DatabaseHealth:
    """`PRAGMA quick_check` (or `integrity_check` when `full`) on the database, read-only."""
    path = data_paths.database
    if not path.exists():
        # Usually a first run; but a restore interrupted between its two renames also looks like this,
        # and then the folder it set aside holds the user's data.
        kept = kept_folders(data_paths)
        return DatabaseHealth(
            DatabaseState.MISSING, path, None, backups=list_backups(data_paths) if kept else [], kept_folders=kept
        )
    version: int | None = None
    try:
        # mode=rw: an existing file is opened as is, never created or migrated here.
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=5)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            check = "integrity_check" if full else "quick_check"
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {check}(20)").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        rows = [f"cannot be read: {exc}"]
    if rows == ["ok"]:
        if version is not None and version > SCHEMA_VERSION:
            return DatabaseHealth(DatabaseState.TOO_NEW, path, version)
        return DatabaseHealth(DatabaseState.OK, path, version)
    return DatabaseHealth(
        DatabaseState.DAMAGED,
        path,
        version,
        problems=rows,
        backups=list_backups(data_paths),
        kept_folders=kept_folders(data_paths),
    )
