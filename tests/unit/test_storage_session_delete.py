"""Deleting a session: every row that hangs off it, and its recordings, but nothing outside the data folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.history_support import Answer, SessionSpec, add_session, write_tone
from tpm_coach.context import AppContext
from tpm_coach.history import delete_session, load_scored, load_session, load_summaries


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = AppContext()
    yield context
    context.close()


def _count(ctx: AppContext, table: str) -> int:
    return int(ctx.database.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_delete_cascades_to_every_row_of_the_session(ctx: AppContext) -> None:
    keep = add_session(ctx, SessionSpec([Answer("tech-001", 3)]))
    gone = add_session(ctx, SessionSpec([Answer("comm-001", 4), Answer("lead-001", 2)]))
    before = {t: _count(ctx, t) for t in ("attempts", "transcripts", "scores")}

    failed = delete_session(ctx.sessions, ctx.data_paths, gone)

    assert failed == []
    assert [s.id for s in ctx.sessions.list_summaries()] == [keep]
    after = {t: _count(ctx, t) for t in before}
    assert after == {"attempts": 1, "transcripts": 1, "scores": 1}
    assert before["scores"] == 3
    assert len(ctx.attempts.list_for_session(keep)) == 1


def test_delete_removes_recordings_and_tolerates_missing_ones(ctx: AppContext) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3), Answer("tech-002", 3)]))
    paths = [ctx.data_paths.absolute(a.audio_path) for a in ctx.attempts.list_for_session(session_id) if a.audio_path]
    paths[0].unlink()  # already gone: not an error

    assert delete_session(ctx.sessions, ctx.data_paths, session_id) == []
    assert not any(p.exists() for p in paths)
    assert not paths[0].parent.exists()
    assert ctx.data_paths.audio.is_dir()


def test_delete_never_touches_files_outside_the_data_folder(ctx: AppContext) -> None:
    outside = write_tone(ctx.data_paths.root.parent / "not-yours.wav")
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3, audio=False)]))
    attempt = ctx.attempts.list_for_session(session_id)[0]
    ctx.attempts.set_audio(attempt.id, "../not-yours.wav")  # a damaged or crafted row

    delete_session(ctx.sessions, ctx.data_paths, session_id)
    assert outside.is_file()
    assert ctx.sessions.list_summaries() == []


def test_worker_reads_use_their_own_connection(ctx: AppContext) -> None:
    import threading

    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3), Answer("comm-001", None)]))
    cancel = threading.Event()
    path = ctx.data_paths.database

    assert [s.id for s in load_summaries(path, cancel=cancel, progress=print)] == [session_id]
    assert len(load_session(path, session_id, cancel=cancel, progress=print)) == 2
    assert len(load_scored(path, cancel=cancel, progress=print)) == 1
    # The app's own connection is untouched and still usable.
    assert ctx.sessions.list_summaries()[0].attempt_count == 2
