"""The start-up check: a damaged database is reported with the backups that can restore it, never reset."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.support.app_data import populate
from tpm_coach.config import load_settings
from tpm_coach.maintenance import DatabaseState, check_database, create_backup, restore_backup
from tpm_coach.paths import DataPaths
from tpm_coach.storage import SCHEMA_VERSION, Database


@pytest.fixture
def data_paths() -> DataPaths:
    return load_settings().data_paths()


def damage(path: Path) -> None:
    """Overwrite part of the sessions table's first page, as a failing disk or a bad copy would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    for offset in (4096 + 8, 4096 + 100, 4096 + 200):
        data[offset : offset + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))


def test_first_run_has_no_database_and_that_is_fine(data_paths: DataPaths) -> None:
    health = check_database(data_paths)
    assert health.state is DatabaseState.MISSING
    assert health.usable
    assert not data_paths.database.exists(), "the check must not create the database"


def test_sound_database(data_paths: DataPaths) -> None:
    populate(data_paths, sessions=1)
    health = check_database(data_paths)
    assert (health.state, health.schema_version, health.problems) == (DatabaseState.OK, SCHEMA_VERSION, [])
    assert check_database(data_paths, full=True).state is DatabaseState.OK


def test_damaged_database_is_reported_with_backups_and_left_alone(data_paths: DataPaths) -> None:
    populate(data_paths, sessions=2)
    backup = create_backup(data_paths).path
    damage(data_paths.database)
    damaged_bytes = data_paths.database.read_bytes()

    health = check_database(data_paths)

    assert health.state is DatabaseState.DAMAGED
    assert not health.usable
    assert health.problems
    assert health.problems[0].strip()
    assert [b.path for b in health.backups] == [backup]
    assert backup.name in health.message()
    assert "Nothing has been changed" in health.message()
    assert data_paths.database.read_bytes() == damaged_bytes

    # The offered backup does restore it, keeping the damaged folder for inspection.
    result = restore_backup(backup, data_paths)
    assert check_database(data_paths).state is DatabaseState.OK
    assert result.previous is not None
    assert (result.previous / "tpm_coach.sqlite3").read_bytes() == damaged_bytes
    assert check_database(DataPaths(result.previous)).state is DatabaseState.DAMAGED


def test_a_file_that_is_not_a_database(data_paths: DataPaths) -> None:
    data_paths.ensure()
    data_paths.database.write_bytes(b"garbage " * 1000)
    health = check_database(data_paths)
    assert health.state is DatabaseState.DAMAGED
    assert "No backup was found" in health.message()
    assert data_paths.database.read_bytes() == b"garbage " * 1000


def test_newer_database_is_not_damaged_but_not_usable(data_paths: DataPaths) -> None:
    data_paths.ensure()
    Database.open(data_paths.database).close()
    conn = sqlite3.connect(data_paths.database)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()
    health = check_database(data_paths)
    assert (health.state, health.schema_version) == (DatabaseState.TOO_NEW, SCHEMA_VERSION + 3)
    assert not health.usable
    assert "Upgrade tpm_coach" in health.message()


def test_damaged_database_lists_folders_kept_by_earlier_restores(data_paths: DataPaths) -> None:
    populate(data_paths, sessions=1)
    backup = create_backup(data_paths).path
    kept = restore_backup(backup, data_paths).previous
    damage(data_paths.database)
    health = check_database(data_paths)
    assert health.kept_folders == [kept]


def test_missing_database_next_to_a_kept_folder_is_pointed_out(data_paths: DataPaths) -> None:
    """A restore killed between its two renames leaves no data folder, and the old one set aside."""
    populate(data_paths, sessions=1)
    backup = create_backup(data_paths).path
    kept = restore_backup(backup, data_paths).previous
    assert kept is not None
    shutil.rmtree(data_paths.root)
    health = check_database(data_paths)
    assert health.state is DatabaseState.MISSING
    assert health.kept_folders == [kept]
    assert str(kept) in health.message()
