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
    # 4: every score an answer was given, each kept whole as its ScoreResult JSON (criterion scores with their
    # evidence and caps, feedback, notes, tokens), with the judge that made it and which one is current.
    # Earlier versions split a score over two tables and lost what those tables had no column for; every row
    # of theirs, current or not, is carried over in the JSON shape the app reads. The judge, the overall
    # score and its scale stay columns for the session summaries' one-query averages. An index now allows one
    # current score per answer; should an old file have more, the newest stays current.
    """
    CREATE TABLE scores_v4 (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        is_current INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
        scorer TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        prompt_version TEXT NOT NULL DEFAULT '',
        overall REAL NOT NULL,
        scale_min INTEGER NOT NULL,
        scale_max INTEGER NOT NULL,
        result_json TEXT NOT NULL CHECK (json_valid(result_json)),
        created_at TEXT NOT NULL
    );
    INSERT INTO scores_v4 (id, attempt_id, is_current, scorer, model, prompt_version, overall, scale_min,
                           scale_max, result_json, created_at)
    SELECT s.id, s.attempt_id, s.is_current, s.scorer, s.model, s.prompt_version, s.overall, s.scale_min,
           s.scale_max,
           json_patch(
               json_object(
                   'overall', s.overall,
                   'scale_min', s.scale_min,
                   'scale_max', s.scale_max,
                   'criteria', (
                       SELECT json_group_array(json_object(
                           'id', c.criterion_id,
                           'score', c.score,
                           'rationale', c.rationale,
                           'evidence', json(c.evidence_json),
                           'flagged', json(CASE WHEN c.flagged THEN 'true' ELSE 'false' END)
                       ))
                       FROM (SELECT * FROM criterion_scores WHERE score_id = s.id ORDER BY rowid) AS c
                   ),
                   'scorer', s.scorer,
                   'model', s.model,
                   'prompt_version', s.prompt_version,
                   'prompt_tokens', s.prompt_tokens,
                   'completion_tokens', s.completion_tokens,
                   'latency_ms', s.latency_ms
               ),
               s.feedback_json
           ),
           s.created_at
    FROM scores AS s;
    UPDATE scores_v4 SET is_current = 0
    WHERE is_current = 1
      AND id < (SELECT MAX(k.id) FROM scores_v4 AS k WHERE k.attempt_id = scores_v4.attempt_id AND k.is_current = 1);
    DROP TABLE criterion_scores;
    DROP TABLE scores;
    ALTER TABLE scores_v4 RENAME TO scores;
    CREATE INDEX scores_by_attempt ON scores(attempt_id);
    CREATE UNIQUE INDEX one_current_score_per_attempt ON scores(attempt_id) WHERE is_current = 1;
    """,
    # 5: interviews. A session with an `interviews` row is a mock interview (its format, level, skills and, once
    # debriefed, its verdict and debrief); a follow-up asked in one keeps the criteria it probed beside the link to
    # its parent answer; a transcript corrected after Stop keeps what was heard beside the correction.
    """
    CREATE TABLE interviews (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL DEFAULT 'interview',
        format TEXT NOT NULL CHECK (format IN ('screen', 'onsite', 'loop')),
        level TEXT NOT NULL,
        skills_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(skills_json)),
        verdict TEXT,
        debrief_json TEXT CHECK (debrief_json IS NULL OR json_valid(debrief_json))
    );
    CREATE TABLE follow_up_probes (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
        parent_attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        probes_json TEXT NOT NULL CHECK (json_valid(probes_json)),
        source TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX follow_up_probes_by_parent ON follow_up_probes(parent_attempt_id);
    CREATE TABLE transcript_edits (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
        original_text TEXT NOT NULL,
        edited_at TEXT NOT NULL
    );
    """,
    # 6: the story each answer told: story_id is the id in the candidate's story file, NULL when the answer told a
    # story not in it; stories live in a YAML file, so no foreign key can point at them.
    """
    CREATE TABLE attempt_stories (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
        story_id TEXT,
        similarity REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('detected', 'chosen')),
        linked_at TEXT NOT NULL
    );
    CREATE INDEX attempt_stories_by_story ON attempt_stories(story_id);
    """,
    # 7: coaches in the loop: where an imported session came from (kept out of the importer's progress unless they
    # count it), and a coach's review of an answer (grades, span comments, note) as one CoachReview JSON.
    """
    CREATE TABLE session_origins (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        sender TEXT NOT NULL,
        package_file TEXT NOT NULL DEFAULT '',
        package_created_at TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL,
        in_progress INTEGER NOT NULL DEFAULT 0 CHECK (in_progress IN (0, 1))
    );
    CREATE TABLE coach_reviews (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
        coach TEXT NOT NULL,
        review_json TEXT NOT NULL CHECK (json_valid(review_json)),
        reviewed_at TEXT NOT NULL
    );
    """,
    # 8: full-text search over each answer's question and transcript (FTS5, rowid = attempt id), kept in step by
    # triggers and filled from the answers already stored.
    """
    CREATE VIRTUAL TABLE answer_search USING fts5(
        question, transcript, session_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO answer_search (rowid, question, transcript, session_id)
    SELECT a.id, COALESCE(json_extract(a.question_json, '$.text'), ''), COALESCE(t.text, ''), a.session_id
    FROM attempts AS a LEFT JOIN transcripts AS t ON t.attempt_id = a.id;
    CREATE TRIGGER answer_search_attempt_added AFTER INSERT ON attempts BEGIN
        INSERT INTO answer_search (rowid, question, transcript, session_id)
        VALUES (new.id, COALESCE(json_extract(new.question_json, '$.text'), ''), '', new.session_id);
    END;
    CREATE TRIGGER answer_search_attempt_changed AFTER UPDATE OF question_json, session_id ON attempts BEGIN
        UPDATE answer_search
        SET question = COALESCE(json_extract(new.question_json, '$.text'), ''), session_id = new.session_id
        WHERE rowid = new.id;
    END;
    CREATE TRIGGER answer_search_attempt_removed AFTER DELETE ON attempts BEGIN
        DELETE FROM answer_search WHERE rowid = old.id;
    END;
    CREATE TRIGGER answer_search_transcript_added AFTER INSERT ON transcripts BEGIN
        UPDATE answer_search SET transcript = new.text WHERE rowid = new.attempt_id;
    END;
    CREATE TRIGGER answer_search_transcript_changed AFTER UPDATE OF text ON transcripts BEGIN
        UPDATE answer_search SET transcript = new.text WHERE rowid = new.attempt_id;
    END;
    CREATE TRIGGER answer_search_transcript_removed AFTER DELETE ON transcripts BEGIN
        UPDATE answer_search SET transcript = '' WHERE rowid = old.attempt_id;
    END;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
