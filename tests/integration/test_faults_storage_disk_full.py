"""The disk filling up while saving: the previous file stays whole, the database stays sound, and the
user gets a message they can act on.

"Disk full" is real in two ways: RLIMIT_FSIZE in a child process (writes past the limit fail with EFBIG,
SIGXFSZ ignored; works anywhere) and, where it can be mounted, a tiny tmpfs (writes fail with ENOSPC).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.support.app_data import data_snapshot, file_digests, populate, write_wav
from tests.support.banks import bank
from tests.support.case_counts import report_cases
from tests.support.small_disk import mounted_tmpfs
from tpm_coach.banks import BankLibrary, encode_bank, load_bank
from tpm_coach.domain import Bank
from tpm_coach.errors import KnownError, StorageError
from tpm_coach.maintenance import RefusalReason, RestoreRefusedError, create_backup, restore_backup
from tpm_coach.paths import DataPaths
from tpm_coach.storage import Database, SessionRepository

LIMITED = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    from pathlib import Path
    from tpm_coach.errors import KnownError

    def limit(max_bytes):
        # Writes past the limit fail with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, resource.RLIM_INFINITY))

    def unlimit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

    def outcome(exc, **extra):
        return {"error": type(exc).__name__, "known": isinstance(exc, KnownError), "message": str(exc),
                "reason": str(getattr(exc, "reason", "")), **extra}

    case, args = sys.argv[1], sys.argv[2:]
    result = {"error": None}
    if case == "bank":
        from tpm_coach.banks import BankLibrary
        from tpm_coach.domain import Bank
        from tests.support.banks import bank
        library = BankLibrary(Path(args[0]), ["default"])
        bigger = Bank.model_validate(bank("acme", n_questions=150))
        limit(int(args[1]))
        try:
            library.save(bigger)
        except BaseException as exc:
            result = outcome(exc)
    elif case == "database":
        from tpm_coach.storage import Database, SessionRepository
        db = Database.open(Path(args[0]))
        sessions = SessionRepository(db)
        committed = []
        sizes = [os.path.getsize(p) for p in (args[0], args[0] + "-wal") if os.path.exists(p)]
        limit(max(sizes) + int(args[1]))
        try:
            while True:
                committed.append(sessions.create(["default"], title="t" * 2000))
        except BaseException as exc:
            result = outcome(exc)
        unlimit()  # space is back: the same connection must keep working
        result["committed"] = committed
        result["after"] = sessions.create(["default"], title="after the disk was freed")
        result["quick_check"] = db.quick_check()
        db.close()
    elif case in ("backup", "restore"):
        from tpm_coach.maintenance import create_backup, restore_backup
        from tpm_coach.paths import DataPaths
        limit(int(args[2]))
        try:
            if case == "backup":
                create_backup(DataPaths(Path(args[0])), Path(args[1]))
            else:
                restore_backup(Path(args[1]), DataPaths(Path(args[0])))
        except BaseException as exc:
            result = outcome(exc)
    unlimit()  # the disk is freed once the save is over, so what this process writes on exit (coverage data) fits
    print(json.dumps(result))
    """
)

COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts(pytestconfig: pytest.Config) -> Iterator[None]:
    yield
    report_cases(pytestconfig, "disk full while saving", sum(COUNTS.values()), json.dumps(COUNTS))


def limited(case: str, *args: object) -> dict[str, Any]:
    COUNTS[case] = COUNTS.get(case, 0) + 1
    result = subprocess.run(
        [sys.executable, "-c", LIMITED, case, *map(str, args)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def versions() -> list[Bank]:
    return [Bank.model_validate(bank("acme", n_questions=n)) for n in (3, 150)]


@pytest.fixture
def saved_bank(tmp_path: Path) -> Path:
    banks = tmp_path / "banks"
    return BankLibrary(banks, ["default"]).save(versions()[0])


# -- a bank save ---------------------------------------------------------------------------------
def test_bank_save_on_a_full_disk_keeps_the_previous_file(saved_bank: Path) -> None:
    before = saved_bank.read_bytes()
    outcome = limited("bank", saved_bank.parent, 8_192)
    assert outcome["error"] is not None
    assert saved_bank.read_bytes() == before
    assert load_bank(saved_bank).questions == versions()[0].questions
    assert [p.name for p in saved_bank.parent.iterdir()] == ["acme.yaml"], "a temporary file was left behind"


def test_bank_save_on_a_full_disk_is_a_clear_message(saved_bank: Path) -> None:
    outcome = limited("bank", saved_bank.parent, 8_192)
    assert outcome["known"], outcome


# -- database writes -----------------------------------------------------------------------------
@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "tpm_coach.sqlite3"
    db = Database.open(path)
    for _ in range(20):
        SessionRepository(db).create(["default"], title="before")
    db.close()
    return path


def test_database_writes_on_a_full_disk_keep_every_commit(database: Path) -> None:
    outcome = limited("database", database, 65_536)
    assert outcome["error"] is not None
    assert outcome["committed"], "the limit left no room for a single write"
    assert outcome["quick_check"] == []
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = {r[0] for r in conn.execute("SELECT id FROM sessions")}
    finally:
        conn.close()
    assert set(outcome["committed"]) | {outcome["after"]} <= ids
    assert len(ids) == 20 + len(outcome["committed"]) + 1, "a failed write left a partial row"


def test_database_write_on_a_full_disk_is_a_clear_message(database: Path) -> None:
    outcome = limited("database", database, 65_536)
    assert outcome["known"], outcome


# -- backup and restore --------------------------------------------------------------------------
@pytest.fixture
def data_with_audio(tmp_path: Path) -> DataPaths:
    paths = DataPaths(tmp_path / "data")
    populate(paths, sessions=1)
    write_wav(paths.audio / "long.wav", 30.0)  # ~1 MB
    return paths


def test_backup_on_a_full_disk(data_with_audio: DataPaths, tmp_path: Path) -> None:
    before = data_snapshot(data_with_audio)
    output = tmp_path / "backups" / "backup.zip"
    output.parent.mkdir()
    outcome = limited("backup", data_with_audio.root, output, 262_144)
    assert (outcome["error"], outcome["known"]) == ("StorageError", True)
    assert "free some disk space" in outcome["message"]
    assert list(output.parent.iterdir()) == [], "a partial backup or its work folder was left"
    assert data_snapshot(data_with_audio) == before


def test_restore_on_a_full_disk(data_with_audio: DataPaths, tmp_path: Path) -> None:
    archive = create_backup(data_with_audio, tmp_path / "backup.zip").path
    current = DataPaths(tmp_path / "current" / "data")
    populate(current, sessions=1, spoken_per_session=1)
    before = file_digests(current.root)
    outcome = limited("restore", current.root, archive, 262_144)
    assert (outcome["error"], outcome["known"], outcome["reason"]) == (
        "RestoreRefusedError",
        True,
        RefusalReason.NO_SPACE.value,
    )
    assert file_digests(current.root) == before
    assert [p.name for p in current.root.parent.iterdir()] == ["data"], "the half-unpacked folder was left"


# -- a real ENOSPC on a tiny tmpfs ---------------------------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "tiny", "512k", "; the RLIMIT_FSIZE cases cover a full disk") as mount_point:
        yield mount_point


def fill(disk: Path, leave_bytes: int) -> None:
    """Fill the disk, then free `leave_bytes` (rounded to pages by the file system)."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 4096)
    os.truncate(filler, max(filler.stat().st_size - leave_bytes, 0))


def test_real_enospc_bank_save_and_database(tiny_disk: Path) -> None:
    COUNTS["tmpfs"] = COUNTS.get("tmpfs", 0) + 2
    old, new = versions()
    library = BankLibrary(tiny_disk / "banks", ["default"])
    path = library.save(old)
    db = Database.open(tiny_disk / "tpm_coach.sqlite3")
    sessions = SessionRepository(db)
    committed = [sessions.create(["default"], title="before")]
    fill(tiny_disk, 8_192)
    assert len(encode_bank(new, "acme")) > 8_192

    with pytest.raises((KnownError, OSError)):
        library.save(new)
    assert path.read_bytes() == encode_bank(old, "acme")
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.yaml"]

    def write_until_full() -> None:
        while True:
            committed.append(sessions.create(["default"], title="t" * 4000))

    with pytest.raises((KnownError, sqlite3.OperationalError)):
        write_until_full()
    (tiny_disk / "filler").unlink()
    committed.append(sessions.create(["default"], title="after"))
    assert db.quick_check() == []
    assert {r[0] for r in db.conn.execute("SELECT id FROM sessions")} == set(committed)
    db.close()


def test_real_enospc_backup(tiny_disk: Path, data_with_audio: DataPaths) -> None:
    COUNTS["tmpfs"] = COUNTS.get("tmpfs", 0) + 1
    with pytest.raises(StorageError) as info:
        create_backup(data_with_audio, tiny_disk / "backup.zip")
    assert "free some disk space" in info.value.hint
    assert list(tiny_disk.iterdir()) == []


def test_real_enospc_restore_is_refused_before_unpacking(tiny_disk: Path, data_with_audio: DataPaths) -> None:
    COUNTS["tmpfs"] = COUNTS.get("tmpfs", 0) + 1
    archive = create_backup(data_with_audio, data_with_audio.root.parent / "backup.zip").path
    current = DataPaths(tiny_disk / "data")
    current.ensure()
    before = file_digests(current.root)
    with pytest.raises(RestoreRefusedError) as info:
        restore_backup(archive, current)
    assert info.value.reason is RefusalReason.NO_SPACE
    assert file_digests(current.root) == before
    assert [p.name for p in tiny_disk.iterdir()] == ["data"]
