"""Reads and deletes for the history, session and progress views (no Qt here).

Reads run on worker threads with their own read connection: WAL lets them proceed while the GUI thread writes
through the app's connection, and the shared connection is never used from two threads at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tpm_coach.paths import DataPaths
from tpm_coach.reports import SessionReport, load_report
from tpm_coach.storage import AttemptRecord, AttemptRepository, Database, SessionRepository, SessionSummary
from tpm_coach.storage.search import matching_session_ids

log = logging.getLogger(__name__)

Progress = Callable[[Any], None]


def load_summaries(database_path: Path, *, cancel: threading.Event, progress: Progress) -> list[SessionSummary]:
    with Database.open(database_path) as db:
        return SessionRepository(db).list_summaries()


def load_session(
    database_path: Path, session_id: int, *, cancel: threading.Event, progress: Progress
) -> list[AttemptRecord]:
    with Database.open(database_path) as db:
        return AttemptRepository(db).list_for_session(session_id)


def load_scored(database_path: Path, *, cancel: threading.Event, progress: Progress) -> list[AttemptRecord]:
    """Every scored answer, oldest first (one query per answer in the repository: keep it off the GUI thread)."""
    with Database.open(database_path) as db:
        return AttemptRepository(db).list_scored()


def load_session_report(
    database_path: Path,
    session_id: int,
    bank_names: Mapping[str, str],
    *,
    cancel: threading.Event,
    progress: Progress,
) -> SessionReport:
    with Database.open(database_path) as db:
        return load_report(SessionRepository(db), AttemptRepository(db), session_id, bank_names)


def delete_session(sessions: SessionRepository, data_paths: DataPaths, session_id: int) -> list[str]:
    """Delete the session's rows, then its audio files; returns the files that could not be removed.

    Rows go first: a leftover file is harmless and reported, while a row pointing at a deleted file would
    show a broken answer.
    """
    failed: list[str] = []
    folders: set[Path] = set()
    for stored in sessions.delete(session_id):
        try:
            path = data_paths.absolute(stored)
        except ValueError:
            log.warning("not deleting %s: it is outside the data directory", stored)
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            failed.append(f"{path} ({exc.strerror or exc})")
            continue
        folders.add(path.parent)
    audio_root = data_paths.audio.resolve()
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        _remove_empty_folders(folder, audio_root)
    return failed


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """Remove `folder` and its parents while they are empty, stopping at `root` (which always stays)."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): nothing more to tidy
            return
        folder = folder.parent


def search_session_ids(database_path: Path, text: str, *, cancel: threading.Event, progress: Progress) -> set[int]:
    """Sessions whose title, questions or transcripts hold every word of `text` (full-text index)."""
    with Database.open(database_path) as db:
        return matching_session_ids(db, text)
