"""The SQLite database: WAL, foreign keys, migrations in a transaction, refusal of newer schemas."""

from __future__ import annotations

import sqlite3
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
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: transactions are explicit (see `transaction`), so a migration's
            # DDL and its user_version bump commit together.
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
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
            raise SchemaTooNewError(
                f"the database {self.path} was written by a newer tpm_coach (schema {current}, this version "
                f"knows up to {SCHEMA_VERSION})",
                "upgrade tpm_coach; your data is untouched",
            )
        for number in range(current + 1, target + 1):
            with self.transaction():
                for statement in _split_sql(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

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


def _split_sql(script: str) -> list[str]:
    # executescript() would COMMIT the open transaction first; statements are run one by one instead.
    return [s.strip() for s in script.split(";") if s.strip()]
