"""The SQLite database: migrations upgrade old files, refuse newer ones, and writes are transactional."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.domain import sample_competency, sample_question
from tpm_coach.domain import (
    AttemptStatus,
    CriterionScore,
    DeliveryMetrics,
    Evidence,
    ScoreResult,
    StarCheck,
    Transcript,
    Word,
)
from tpm_coach.errors import SchemaTooNewError, StorageError
from tpm_coach.storage import SCHEMA_VERSION, AttemptRepository, Database, SessionRepository


def test_new_database_uses_wal_foreign_keys_and_latest_schema(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    assert db.version == SCHEMA_VERSION
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.quick_check() == []
    db.close()


def test_an_old_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database.open(path, migrate_to=1)
    session_id = SessionRepository(old).create(["default"], title="from version 1")
    old.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1

    upgraded = Database.open(path)
    assert upgraded.version == SCHEMA_VERSION
    indexes = {r[0] for r in upgraded.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "attempts_by_session" in indexes
    [summary] = SessionRepository(upgraded).list_summaries()
    assert (summary.id, summary.title) == (session_id, "from version 1")
    upgraded.close()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    Database.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError) as info:
        Database.open(path)
    assert "newer tpm_coach" in info.value.message
    assert path.read_bytes() == before


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_newer_database_is_refused_before_anything_is_written(tmp_path: Path, journal_mode: str) -> None:
    # A newer release may keep its file in another journal mode; refusing it must not switch that mode.
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert list(before) == ["future.sqlite3"]
    with pytest.raises(SchemaTooNewError) as info:
        Database.open(path)
    assert "untouched" in info.value.hint
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_newer_version_still_in_the_wal_is_refused(tmp_path: Path) -> None:
    # A newer release that stopped before a checkpoint: the file's header is old, its -wal holds the upgrade.
    path = tmp_path / "app.sqlite3"
    Database.open(path).close()
    keeper = sqlite3.connect(path)
    keeper.execute("PRAGMA wal_autocheckpoint = 0")
    keeper.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    try:
        with pytest.raises(SchemaTooNewError):
            Database.open(path)
    finally:
        keeper.close()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError) as info:
        Database.open(path)
    assert str(path) in info.value.message


def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    sessions = SessionRepository(db)

    def insert_then_fail() -> None:
        with db.transaction() as conn:
            conn.execute("INSERT INTO sessions (started_at) VALUES ('2026-01-01')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    assert sessions.list_summaries() == []


def test_attempt_lifecycle_round_trip(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    sessions, attempts = SessionRepository(db), AttemptRepository(db)
    session_id = sessions.create(["default"])
    attempt_id = attempts.create(session_id, sample_question(), sample_competency(), audio_path="audio/1.wav")
    assert attempts.get(attempt_id).status is AttemptStatus.RECORDING
    assert [a.id for a in attempts.list_by_status(AttemptStatus.RECORDING)] == [attempt_id]

    attempts.set_recorded(attempt_id, 61.5)
    transcript = Transcript(text="We shipped it.", words=[Word(word="We", start=0.0, end=0.2)], engine="fw")
    attempts.save_transcript(attempt_id, transcript, DeliveryMetrics(word_count=3, words_per_minute=120))
    attempts.mark_scoring_failed(attempt_id, "LLM unreachable")
    failed = attempts.get(attempt_id)
    assert (failed.status, failed.status_reason) == (AttemptStatus.SCORING_FAILED, "LLM unreachable")
    assert failed.transcript == transcript

    result = ScoreResult(
        overall=3.5,
        scale_min=1,
        scale_max=5,
        criteria=[
            CriterionScore(id="c1", score=4, rationale="clear", evidence=[Evidence(quote="We shipped it.", start=0)]),
            CriterionScore(id="c2", score=3, rationale="ok", flagged=True),
        ],
        strengths=["structure"],
        star=StarCheck(situation=True, task=True, action=True, result=False),
        scorer="llm",
        model="m",
        prompt_version="score@abc",
        prompt_tokens=100,
        latency_ms=900,
    )
    attempts.save_score(attempt_id, result)
    stored = attempts.get(attempt_id)
    assert stored.status is AttemptStatus.SCORED
    assert stored.score == result
    assert stored.duration_s == 61.5
    assert stored.metrics is not None
    assert stored.metrics.words_per_minute == 120

    rescored = result.model_copy(update={"overall": 2.0, "scorer": "offline"})
    attempts.save_score(attempt_id, rescored)
    assert attempts.get(attempt_id).score == rescored
    assert db.conn.execute("SELECT COUNT(*) FROM scores WHERE attempt_id = ?", (attempt_id,)).fetchone()[0] == 2

    [summary] = sessions.list_summaries()
    assert (summary.scored_count, summary.overall) == (1, 2.0)
    assert sessions.delete(session_id) == ["audio/1.wav"]
    assert db.conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 0


def test_status_change_of_a_missing_attempt_is_an_error(tmp_path: Path) -> None:
    attempts = AttemptRepository(Database.open(tmp_path / "app.sqlite3"))
    with pytest.raises(StorageError):
        attempts.mark_scoring_failed(999, "x")
