"""Renaming a stored session."""

from __future__ import annotations

from tpm_coach.errors import StorageError
from tpm_coach.storage.db import Database


def rename_session(db: Database, session_id: int, title: str) -> None:
    """Store `title` (already checked by `practice.naming.clean_title`) as the session's name."""
    with db.transaction() as conn:
        changed = conn.execute("UPDATE sessions SET title = ? WHERE id = ?", (title, session_id)).rowcount
    if not changed:
        raise StorageError(f"session {session_id} does not exist", "refresh History; it may have been deleted")
