"""The SQLite database: WAL, foreign keys, migrations in a transaction, refusal of newer schemas."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tpm_coach.errors import SchemaTooNewError, StorageError
from tpm_coach.storage.migrations import MIGRATIONS, SCHEMA_VERSION


class Database:
    """One connection, used from one thread at a time (the app serialises writes through its services)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, migrate_to: int = SCHEMA_VERSION) -> Database:
        # Before anything that writes (the journal mode is stored in the file), so a newer file stays as it was.
        _refuse_newer(path, stored_version(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: transactions are explicit (see `transaction`), so a migration's
            # DDL and its user_version bump commit together.
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            _set_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            db = cls(conn, path)
            db._migrate(migrate_to)
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"cannot open the database {path}: {exc}",
                "if the file is damaged, restore a backup with `tpm-coach restore FILE`",
            ) from exc
        return db

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, target: int) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            self.conn.close()
            _refuse_newer(self.path, current)
        while current < target:
            with self.transaction():
                # Read again under the write lock: another connection (a worker opening the same new file) may
                # have applied this migration since.
                current = self.version
                if current >= target:
                    break
                for statement in _split_sql(MIGRATIONS[current]):
                    self.conn.execute(statement)
                current += 1
                self.conn.execute(f"PRAGMA user_version = {current}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back if the block raises.

        Inside another transaction it joins that one, so a check and the writes it guards can be one unit:
        the outer block commits or rolls back the whole.
        """
        joining = self.conn.in_transaction
        if joining:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and exc.sqlite_errorcode & 0xFF in (
                sqlite3.SQLITE_FULL,
                sqlite3.SQLITE_IOERR,
            ):
                raise StorageError(
                    f"could not write to the database {self.path}: the disk is full or failing",
                    "free some disk space; everything saved before this is intact",
                ) from exc
            raise

    def quick_check(self) -> list[str]:
        """Problems `PRAGMA quick_check` finds; empty when the file is sound."""
        rows = [str(r[0]) for r in self.conn.execute("PRAGMA quick_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        self.conn.close()

    # A worker job opens its own connection with `with Database.open(path) as db:` and closes it when done: a
    # connection is never shared between threads.
    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_HEADER = b"SQLite format 3\x00"


def _set_wal(conn: sqlite3.Connection, patience_s: float = 10.0) -> None:
    """Switch to write-ahead logging. SQLite answers a switch that meets another connection's lock on a new file
    with "database is locked" at once, without waiting as other statements do, so it is tried again here."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


_USER_VERSION_OFFSET = 60  # where SQLite's file header keeps PRAGMA user_version (4 bytes, big-endian)


def stored_version(path: Path) -> int | None:
    """The schema version of the file at `path` without changing it; None for no file or no SQLite header.

    Even a read-only connection creates -wal/-shm files beside a WAL database, so the header is read
    directly. Only when a -wal file is already there (it may hold a newer first page) is a read-only
    connection asked, which cannot checkpoint.
    """
    try:
        with open(path, "rb") as handle:
            header = handle.read(_USER_VERSION_OFFSET + 4)
    except OSError:
        return None
    if len(header) < _USER_VERSION_OFFSET + 4 or not header.startswith(_HEADER):
        return None
    version = int.from_bytes(header[_USER_VERSION_OFFSET:], "big")
    wal = path.with_name(path.name + "-wal")
    if version <= SCHEMA_VERSION and wal.is_file() and wal.stat().st_size > 0:
        try:
            conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # the normal open reports what is wrong with the file
    return version


def _refuse_newer(path: Path, version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"the database {path} was written by a newer tpm_coach (schema {version}, this version "
            f"knows up to {SCHEMA_VERSION})",
            "upgrade tpm_coach; your data is untouched",
        )


def _split_sql(script: str) -> list[str]:
    # executescript() would COMMIT the open transaction first; statements are run one by one instead.
    # A trigger body holds ';' of its own: pieces are joined until SQLite says the statement is complete.
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip().removesuffix(";").strip())
    return statements
