"""Numbered schema migrations; `PRAGMA user_version` holds the number of the last one applied."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: sessions, attempts and what each attempt produced.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        title TEXT NOT NULL DEFAULT '',
        bank_ids TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        parent_attempt_id INTEGER REFERENCES attempts(id) ON DELETE SET NULL,
        question_id TEXT NOT NULL,
        competency_id TEXT NOT NULL,
        question_json TEXT NOT NULL,
        competency_json TEXT NOT NULL,
        answer_mode TEXT NOT NULL CHECK (answer_mode IN ('spoken', 'typed')),
        status TEXT NOT NULL CHECK (status IN ('recording', 'recorded', 'transcribed', 'scored', 'scoring_failed')),
        status_reason TEXT NOT NULL DEFAULT '',
        audio_path TEXT,
        duration_s REAL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE transcripts (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        words_json TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'en',
        engine TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        metrics_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE scores (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        is_current INTEGER NOT NULL DEFAULT 1,
        scorer TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        prompt_version TEXT NOT NULL DEFAULT '',
        overall REAL NOT NULL,
        scale_min INTEGER NOT NULL,
        scale_max INTEGER NOT NULL,
        feedback_json TEXT NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        latency_ms INTEGER,
        created_at TEXT NOT NULL
    );
    CREATE TABLE criterion_scores (
        score_id INTEGER NOT NULL REFERENCES scores(id) ON DELETE CASCADE,
        criterion_id TEXT NOT NULL,
        score INTEGER NOT NULL,
        rationale TEXT NOT NULL DEFAULT '',
        evidence_json TEXT NOT NULL DEFAULT '[]',
        flagged INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (score_id, criterion_id)
    );
    """,
    # 2: indexes for history and progress views, which read every session at once.
    """
    CREATE INDEX attempts_by_session ON attempts(session_id);
    CREATE INDEX attempts_by_status ON attempts(status);
    CREATE INDEX scores_current_by_attempt ON scores(attempt_id, is_current);
    CREATE INDEX sessions_by_start ON sessions(started_at);
    """,
    # 3: the process that created an attempt, so recovery leaves alone what a running process still does.
    """
    ALTER TABLE attempts ADD COLUMN owner_pid INTEGER;
    ALTER TABLE attempts ADD COLUMN owner_started TEXT NOT NULL DEFAULT '';
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
