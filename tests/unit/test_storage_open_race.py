"""Connections opening a new database at once, as the window and a worker do on a first start: each must find the
others' migrations instead of running them again ("table sessions already exists")."""

from __future__ import annotations

import threading
from pathlib import Path

from tpm_coach.storage import Database
from tpm_coach.storage.migrations import SCHEMA_VERSION


def open_together(path: Path, count: int) -> tuple[list[int], list[BaseException]]:
    start = threading.Barrier(count)
    versions: list[int] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            with Database.open(path) as db:
                versions.append(db.version)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return versions, errors


def test_a_new_database_opened_four_times_at_once_is_migrated_once(tmp_path: Path) -> None:
    # Both faults showed within 40 rounds: the migrations run twice, and the switch to write-ahead logging
    # answered "database is locked" at once.
    for round_ in range(40):
        versions, errors = open_together(tmp_path / f"round-{round_}" / "tpm_coach.sqlite3", 4)
        assert errors == []
        assert versions == [SCHEMA_VERSION] * 4
