"""Every score an answer was given is kept: a database from before keeps each of its scores when upgraded, a new
score becomes current without losing the earlier ones, and any kept score can be made current again."""

from __future__ import annotations

import json
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
)
from tpm_coach.errors import StorageError
from tpm_coach.storage import SCHEMA_VERSION, AttemptRepository, Database, SessionRepository

SCORES_SPLIT_OVER_TWO_TABLES = 3  # the last schema that kept criterion scores in a table of their own


def llm_score(level: int, *, model: str = "qwen2.5-1.5b") -> ScoreResult:
    return ScoreResult(
        overall=float(level),
        scale_min=1,
        scale_max=5,
        criteria=[
            # Not in id order: the order the judge gave is part of the score.
            CriterionScore(
                id="zeta",
                score=level,
                rationale=f"names the owner ({level})",
                evidence=[Evidence(quote="I met their lead", start=12, end=28)],
            ),
            CriterionScore(id="alpha", score=level, rationale="no number given", flagged=True),
        ],
        strengths=["clear owner"],
        improvements=["say the result"],
        stronger_answer=["open with the goal"],
        follow_up="What would you cut?",
        star=StarCheck(situation=True, task=True, action=True, result=False),
        scorer="llm",
        model=model,
        prompt_version="score_answer.v2@0123456789ab",
        prompt_tokens=812,
        completion_tokens=140,
        latency_ms=5400,
        notes=["The model replied in JSON mode."],
    )


def offline_score(level: int) -> ScoreResult:
    return ScoreResult(
        overall=float(level),
        scale_min=1,
        scale_max=5,
        criteria=[CriterionScore(id="alpha", score=level, rationale="signals heard")],
        scorer="offline",
        model="offline-heuristic",
        prompt_version="offline-heuristic-v2",
        notes=["Offline estimate: scored from the rubric's signals."],
    )


def save_score_as_version_3(db: Database, attempt_id: int, result: ScoreResult, stamp: str) -> None:
    """What the repository of schema version 3 wrote for a score: a `scores` row and one row per criterion."""
    feedback = result.model_dump(
        mode="json", include={"strengths", "improvements", "stronger_answer", "follow_up", "star", "notes"}
    )
    with db.transaction() as conn:
        conn.execute("UPDATE scores SET is_current = 0 WHERE attempt_id = ?", (attempt_id,))
        cur = conn.execute(
            """INSERT INTO scores (attempt_id, scorer, model, prompt_version, overall, scale_min, scale_max,
                   feedback_json, prompt_tokens, completion_tokens, latency_ms, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                attempt_id,
                result.scorer,
                result.model,
                result.prompt_version,
                result.overall,
                result.scale_min,
                result.scale_max,
                json.dumps(feedback),
                result.prompt_tokens,
                result.completion_tokens,
                result.latency_ms,
                stamp,
            ),
        )
        conn.executemany(
            """INSERT INTO criterion_scores (score_id, criterion_id, score, rationale, evidence_json, flagged)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [
                (cur.lastrowid, c.id, c.score, c.rationale, json.dumps([e.model_dump() for e in c.evidence]), c.flagged)
                for c in result.criteria
            ],
        )
        conn.execute("UPDATE attempts SET status = 'scored' WHERE id = ?", (attempt_id,))


def new_attempt(db: Database, session_id: int) -> int:
    attempts = AttemptRepository(db)
    attempt_id = attempts.create(session_id, sample_question(), sample_competency(), answer_mode="typed")
    attempts.save_transcript(attempt_id, Transcript(text="I met their lead."), DeliveryMetrics(word_count=4))
    return attempt_id


def test_upgrading_a_version_3_database_keeps_every_score_and_which_is_current(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database.open(path, migrate_to=SCORES_SPLIT_OVER_TWO_TABLES)
    session_id = SessionRepository(old).create(["default"], title="before the upgrade")
    rescored, once = new_attempt(old, session_id), new_attempt(old, session_id)
    history = [
        (rescored, offline_score(2), "2026-01-05T09:00:00.000+00:00"),
        (rescored, llm_score(4), "2026-01-06T09:00:00.000+00:00"),
        (once, llm_score(3, model="gpt-4o-mini"), "2026-01-05T09:30:00.000+00:00"),
        (rescored, llm_score(5, model="llama3.1:8b"), "2026-01-07T09:00:00.000+00:00"),
    ]
    for attempt_id, result, stamp in history:
        save_score_as_version_3(old, attempt_id, result, stamp)
    [summary_before] = SessionRepository(old).list_summaries()
    old.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCORES_SPLIT_OVER_TWO_TABLES

    upgraded = Database.open(path)
    try:
        assert upgraded.version == SCHEMA_VERSION
        attempts = AttemptRepository(upgraded)
        first, second = attempts.get(rescored), attempts.get(once)
        assert [(s.result, s.created_at, s.current) for s in first.scores] == [
            (offline_score(2), history[0][2], False),
            (llm_score(4), history[1][2], False),
            (llm_score(5, model="llama3.1:8b"), history[3][2], True),
        ]
        assert first.score == llm_score(5, model="llama3.1:8b")
        assert [(s.result, s.current) for s in second.scores] == [(llm_score(3, model="gpt-4o-mini"), True)]
        assert first.status is AttemptStatus.SCORED
        assert SessionRepository(upgraded).list_summaries() == [summary_before]
        assert "criterion_scores" not in {
            r[0] for r in upgraded.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert upgraded.quick_check() == []
    finally:
        upgraded.close()


def test_a_new_score_becomes_current_and_the_earlier_ones_stay(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    attempts = AttemptRepository(db)
    attempt_id = new_attempt(db, SessionRepository(db).create(["default"]))
    capped = llm_score(3).model_copy(
        update={"criteria": [CriterionScore(id="alpha", score=3, rationale="no quote", capped_from=5, flagged=True)]}
    )
    first = attempts.save_score(attempt_id, offline_score(2))
    second = attempts.save_score(attempt_id, capped)

    record = attempts.get(attempt_id)
    assert record.score == capped  # a cap is kept with the score it limited
    assert [(s.id, s.result, s.current) for s in record.scores] == [
        (first, offline_score(2), False),
        (second, capped, True),
    ]
    assert [s.id for s in record.earlier_scores] == [first]
    db.close()


def test_any_kept_score_can_be_made_current_again(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    attempts, sessions = AttemptRepository(db), SessionRepository(db)
    session_id = sessions.create(["default"])
    attempt_id = new_attempt(db, session_id)
    offline_id = attempts.save_score(attempt_id, offline_score(2))
    llm_id = attempts.save_score(attempt_id, llm_score(4))
    assert sessions.get(session_id).overall == 4.0

    attempts.make_current(attempt_id, offline_id)

    record = attempts.get(attempt_id)
    assert record.score == offline_score(2)
    assert [(s.id, s.current) for s in record.scores] == [(offline_id, True), (llm_id, False)]
    assert sessions.get(session_id).overall == 2.0  # what History and Progress read follows the choice
    assert [r.id for r in attempts.list_scored()] == [attempt_id]
    db.close()


def test_a_score_of_another_answer_cannot_be_made_current(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    attempts = AttemptRepository(db)
    session_id = SessionRepository(db).create(["default"])
    mine, other = new_attempt(db, session_id), new_attempt(db, session_id)
    kept = attempts.save_score(mine, llm_score(4))
    foreign = attempts.save_score(other, offline_score(1))

    with pytest.raises(StorageError, match="has no score"):
        attempts.make_current(mine, foreign)

    assert attempts.get(mine).score == llm_score(4)
    assert [s.id for s in attempts.get(mine).scores] == [kept]
    assert attempts.get(other).score == offline_score(1)
    db.close()


def test_the_database_allows_one_current_score_per_answer(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    attempts = AttemptRepository(db)
    attempt_id = new_attempt(db, SessionRepository(db).create(["default"]))
    attempts.save_score(attempt_id, offline_score(2))
    attempts.save_score(attempt_id, llm_score(4))
    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute("UPDATE scores SET is_current = 1 WHERE attempt_id = ?", (attempt_id,))
    assert [s.current for s in attempts.get(attempt_id).scores] == [False, True]
    db.close()
