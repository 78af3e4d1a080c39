"""Backup and restore keep everything: sessions, scored attempts, recordings and the user's banks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tests.support.app_data import data_snapshot, database_rows, populate
from tests.support.secrets import assert_secret_absent
from tpm_coach.banks import BankLibrary
from tpm_coach.config import load_settings
from tpm_coach.errors import StorageError
from tpm_coach.maintenance import create_backup, list_backups, restore_backup, verify_backup
from tpm_coach.maintenance.archive import DATABASE_NAME, MANIFEST_NAME, NOT_INCLUDED
from tpm_coach.paths import DataPaths
from tpm_coach.secrets import set_api_key
from tpm_coach.storage import SCHEMA_VERSION, AttemptRepository, Database, SessionRepository


@pytest.fixture
def data_paths() -> DataPaths:
    return load_settings().data_paths()


def test_round_trip_gives_back_identical_data(data_paths: DataPaths, tmp_path: Path) -> None:
    populated = populate(data_paths)
    before = data_snapshot(data_paths)
    db = Database.open(data_paths.database)
    records = [AttemptRepository(db).get(i) for i in populated.attempt_ids]
    db.close()

    result = create_backup(data_paths, tmp_path / "backup.zip")
    assert result.manifest.schema_version == SCHEMA_VERSION
    assert result.manifest.count("audio") == len(populated.audio_files) == 4
    assert result.manifest.count("banks") == 1
    assert result.manifest.not_included == list(NOT_INCLUDED)
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
    assert names == {MANIFEST_NAME, *(f.path for f in result.manifest.files)}

    shutil.rmtree(data_paths.root)
    restored = restore_backup(result.path, data_paths)

    assert restored.previous is None
    assert data_snapshot(data_paths) == before
    db = Database.open(data_paths.database)
    assert [AttemptRepository(db).get(i) for i in populated.attempt_ids] == records
    assert [s.id for s in SessionRepository(db).list_summaries()] == sorted(populated.session_ids, reverse=True)
    db.close()
    library = BankLibrary(data_paths.banks, ["default", "acme"])
    assert library.problems == []
    assert len(library.get("acme").bank.questions) == 3
    for wav in populated.audio_files:
        assert wav.read_bytes()[:4] == b"RIFF"


def test_restore_over_newer_data_keeps_that_data_aside(data_paths: DataPaths, tmp_path: Path) -> None:
    populate(data_paths, sessions=1)
    at_backup = data_snapshot(data_paths)
    archive = create_backup(data_paths, tmp_path / "backup.zip").path
    db = Database.open(data_paths.database)
    SessionRepository(db).create(["default"], title="after the backup")
    db.close()
    (data_paths.banks / "acme.yaml").unlink()
    later = data_snapshot(data_paths)

    result = restore_backup(archive, data_paths)

    assert data_snapshot(data_paths) == at_backup
    assert result.previous is not None
    assert result.previous.parent == data_paths.root.resolve().parent
    assert data_snapshot(DataPaths(result.previous)) == later


def test_backup_includes_writes_still_in_the_wal_of_an_open_database(data_paths: DataPaths, tmp_path: Path) -> None:
    data_paths.ensure()
    db = Database.open(data_paths.database)  # the app, running: its last writes sit in the -wal file
    sessions = SessionRepository(db)
    for i in range(5):
        sessions.create(["default"], title=f"in the wal {i}")
    main_file_only = tmp_path / "main-file-only.sqlite3"
    shutil.copyfile(data_paths.database, main_file_only)
    assert not any("in the wal" in line for line in database_rows(main_file_only)), "the rows were checkpointed"

    archive = create_backup(data_paths, tmp_path / "backup.zip").path
    db.close()

    with zipfile.ZipFile(archive) as z:
        (tmp_path / "copy.sqlite3").write_bytes(z.read(DATABASE_NAME))
    rows = database_rows(tmp_path / "copy.sqlite3")
    assert sum("in the wal" in line for line in rows) == 5


def test_backup_while_another_thread_keeps_writing_is_consistent(data_paths: DataPaths, tmp_path: Path) -> None:
    data_paths.ensure()
    Database.open(data_paths.database).close()
    enough = threading.Event()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        db = Database.open(data_paths.database)
        sessions = SessionRepository(db)
        while not stop.is_set():
            written.append(sessions.create(["default"], title="x" * 200))
            if len(written) >= 50:
                enough.set()
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert enough.wait(30)
        archive = create_backup(data_paths, tmp_path / "backup.zip").path
    finally:
        stop.set()
        thread.join(30)

    copy = tmp_path / "copy.sqlite3"
    with zipfile.ZipFile(archive) as z:
        copy.write_bytes(z.read(DATABASE_NAME))
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    count = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    conn.close()
    assert 50 <= count <= len(written)


def test_default_location_is_beside_the_data_folder_and_listed(data_paths: DataPaths) -> None:
    populate(data_paths, sessions=1)
    first = create_backup(data_paths)
    second = create_backup(data_paths)
    assert first.path != second.path
    assert first.path.parent == second.path.parent == data_paths.root.resolve().parent
    found = list_backups(data_paths)
    assert {b.path for b in found} == {first.path, second.path}
    assert all(b.manifest is not None and b.problem is None for b in found)
    assert verify_backup(first.path).files == first.manifest.files


def test_a_backup_inside_the_data_folder_is_refused(data_paths: DataPaths) -> None:
    populate(data_paths, sessions=1)
    with pytest.raises(StorageError, match="inside the data folder"):
        create_backup(data_paths, data_paths.root / "backup.zip")
    assert not (data_paths.root / "backup.zip").exists()


def test_links_in_the_data_folder_are_left_out(data_paths: DataPaths, tmp_path: Path) -> None:
    populate(data_paths, sessions=1)
    outside = tmp_path / "outside-secret.txt"
    outside.write_text("not part of the app's data")
    (data_paths.audio / "link.wav").symlink_to(outside)
    result = create_backup(data_paths, tmp_path / "backup.zip")
    assert result.skipped == ["audio/link.wav"]
    with zipfile.ZipFile(result.path) as z:
        assert "audio/link.wav" not in z.namelist()
        assert all(b"not part of the app's data" not in z.read(n) for n in z.namelist())


def test_the_api_key_is_not_in_a_backup(data_paths: DataPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring_key = "sk-test-keyring-4f9c2b7d1e8a6035"
    env_key = "sk-test-environ-7a1d3c9e5b2f4086"
    set_api_key(keyring_key)
    monkeypatch.setenv("OPENAI_API_KEY", env_key)
    populate(data_paths)
    archive = create_backup(data_paths, tmp_path / "backup.zip").path
    searched = assert_secret_absent([archive], keyring_key)
    assert searched == 1 + 1 + 4 + 1 + 1  # the zip, then its manifest, database, 4 recordings and one bank
    assert_secret_absent([archive], env_key)


def test_work_folders_left_by_a_killed_backup_or_restore_are_cleared_later(
    data_paths: DataPaths, tmp_path: Path
) -> None:
    populate(data_paths, sessions=1)
    parent = data_paths.root.resolve().parent
    stale = [parent / ".data.restoring-old", tmp_path / ".tpm_coach-backup-old"]
    fresh = [parent / ".data.restoring-now", tmp_path / ".tpm_coach-backup-now"]
    for folder in stale + fresh:
        folder.mkdir()
        (folder / "partial").write_bytes(b"x" * 100)
    for folder in stale:
        os.utime(folder, (time.time() - 7200, time.time() - 7200))

    archive = create_backup(data_paths, tmp_path / "backup.zip").path
    restore_backup(archive, data_paths)

    assert [f.exists() for f in stale] == [False, False]
    assert [f.exists() for f in fresh] == [True, True]  # may belong to one still running
