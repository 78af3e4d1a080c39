"""Repositories: the only code that writes SQL for sessions, attempts, transcripts and scores."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from tpm_coach.domain import (
    AttemptRecord,
    AttemptStatus,
    Competency,
    DeliveryMetrics,
    Question,
    ScoreResult,
    StoredScore,
    Transcript,
    Word,
)
from tpm_coach.errors import StorageError
from tpm_coach.storage.db import Database
from tpm_coach.storage.owner import ProcessIdentity


# Attempts of the same question share one snapshot; the models are frozen, so parsed ones can be shared.
@lru_cache(maxsize=512)
def _question(snapshot: str) -> Question:
    return Question.model_validate_json(snapshot)


@lru_cache(maxsize=256)
def _competency(snapshot: str) -> Competency:
    return Competency.model_validate_json(snapshot)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def insert_score(
    conn: sqlite3.Connection, attempt_id: int, result: ScoreResult, *, current: bool, created_at: str
) -> sqlite3.Cursor:
    """One kept score row: the judge and overall as columns (for the summaries' one-query averages), the whole
    result as JSON."""
    return conn.execute(
        """INSERT INTO scores (attempt_id, is_current, scorer, model, prompt_version, overall, scale_min,
               scale_max, result_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            attempt_id,
            int(current),
            result.scorer,
            result.model,
            result.prompt_version,
            result.overall,
            result.scale_min,
            result.scale_max,
            result.model_dump_json(),
            created_at,
        ),
    )


def _update_status(
    conn: sqlite3.Connection, attempt_id: int, status: AttemptStatus, reason: str = "", **columns: object
) -> None:
    """Set an attempt's status (and any other columns) inside the caller's transaction."""
    assignments = "".join(f", {name} = ?" for name in columns)
    cur = conn.execute(
        f"UPDATE attempts SET status = ?, status_reason = ?, updated_at = ?{assignments} WHERE id = ?",
        (status.value, reason, now_iso(), *columns.values(), attempt_id),
    )
    if cur.rowcount != 1:
        raise StorageError(f"attempt {attempt_id} does not exist")


@dataclass(frozen=True)
class SessionSummary:
    id: int
    started_at: str
    ended_at: str | None
    title: str
    bank_ids: list[str]
    competency_ids: list[str]
    attempt_count: int
    scored_count: int
    overall: float | None
    speaking_time_s: float | None  # None: no answer in it was spoken


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, bank_ids: list[str], title: str = "") -> int:
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, title, bank_ids) VALUES (?, ?, ?)",
                (now_iso(), title, json.dumps(bank_ids)),
            )
        return int(cur.lastrowid or 0)

    def end(self, session_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now_iso(), session_id))

    def delete(self, session_id: int) -> list[str]:
        """Delete a session with its attempts; returns the audio paths (relative) the caller should remove."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT audio_path FROM attempts WHERE session_id = ? AND audio_path IS NOT NULL", (session_id,)
            ).fetchall()
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return [str(r[0]) for r in rows]

    def get(self, session_id: int) -> SessionSummary:
        found = self._summaries("WHERE s.id = ?", (session_id,), None)
        if not found:
            raise StorageError(f"session {session_id} does not exist")
        return found[0]

    def list_summaries(self, limit: int | None = None) -> list[SessionSummary]:
        """Every session, newest first, with its mean current overall score (one query)."""
        return self._summaries("", (), limit)

    def _summaries(self, where: str, params: tuple[object, ...], limit: int | None) -> list[SessionSummary]:
        rows = self.db.conn.execute(
            f"""
            SELECT s.id, s.started_at, s.ended_at, s.title, s.bank_ids,
                   COUNT(a.id) AS attempt_count,
                   COUNT(sc.id) AS scored_count,
                   AVG(CAST(sc.overall - sc.scale_min AS REAL) / (sc.scale_max - sc.scale_min)) AS norm_overall,
                   SUM(CASE WHEN a.answer_mode = 'spoken' THEN a.duration_s END) AS speaking,
                   GROUP_CONCAT(DISTINCT a.competency_id) AS competencies
            FROM sessions s
            LEFT JOIN attempts a ON a.session_id = s.id
            LEFT JOIN scores sc ON sc.attempt_id = a.id AND sc.is_current = 1
            {where}
            GROUP BY s.id
            ORDER BY s.started_at DESC, s.id DESC
            LIMIT ?
            """,
            (*params, -1 if limit is None else limit),
        ).fetchall()
        return [
            SessionSummary(
                id=r["id"],
                started_at=r["started_at"],
                ended_at=r["ended_at"],
                title=r["title"],
                bank_ids=json.loads(r["bank_ids"]),
                competency_ids=sorted((r["competencies"] or "").split(",")) if r["competencies"] else [],
                attempt_count=r["attempt_count"],
                scored_count=r["scored_count"],
                # Sessions may mix scales; the summary reports on a common 1-5 scale.
                overall=None if r["norm_overall"] is None else round(1 + 4 * r["norm_overall"], 2),
                speaking_time_s=None if r["speaking"] is None else float(r["speaking"]),
            )
            for r in rows
        ]


class AttemptRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(
        self,
        session_id: int,
        question: Question,
        competency: Competency,
        *,
        answer_mode: str = "spoken",
        audio_path: str | None = None,
        parent_attempt_id: int | None = None,
    ) -> int:
        """A new attempt; question and rubric are snapshotted so later scoring uses what was asked."""
        status = AttemptStatus.RECORDING if answer_mode == "spoken" else AttemptStatus.RECORDED
        stamp = now_iso()
        owner = ProcessIdentity.current()
        with self.db.transaction() as conn:
            cur = conn.execute(
                """INSERT INTO attempts (session_id, parent_attempt_id, question_id, competency_id, question_json,
                       competency_json, answer_mode, status, audio_path, created_at, updated_at,
                       owner_pid, owner_started)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    session_id,
                    parent_attempt_id,
                    question.id,
                    competency.id,
                    question.model_dump_json(),
                    competency.model_dump_json(),
                    answer_mode,
                    status.value,
                    audio_path,
                    stamp,
                    stamp,
                    owner.pid,
                    owner.started,
                ),
            )
        return int(cur.lastrowid or 0)

    def _set_status(self, attempt_id: int, status: AttemptStatus, reason: str = "", **columns: object) -> None:
        with self.db.transaction() as conn:
            _update_status(conn, attempt_id, status, reason, **columns)

    def set_audio(self, attempt_id: int, audio_path: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE attempts SET audio_path = ?, updated_at = ? WHERE id = ?", (audio_path, now_iso(), attempt_id)
            )

    def set_recorded(self, attempt_id: int, duration_s: float, reason: str = "") -> None:
        self._set_status(attempt_id, AttemptStatus.RECORDED, reason, duration_s=duration_s)

    def save_transcript(self, attempt_id: int, transcript: Transcript, metrics: DeliveryMetrics) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                """INSERT OR REPLACE INTO transcripts
                   (attempt_id, text, words_json, language, engine, model, metrics_json, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    attempt_id,
                    transcript.text,
                    json.dumps([w.model_dump() for w in transcript.words]),
                    transcript.language,
                    transcript.engine,
                    transcript.model,
                    metrics.model_dump_json(),
                    now_iso(),
                ),
            )
            _update_status(conn, attempt_id, AttemptStatus.TRANSCRIBED)

    def save_score(self, attempt_id: int, result: ScoreResult) -> int:
        """Store a validated score as the attempt's current one; earlier scores are kept, not current."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE scores SET is_current = 0 WHERE attempt_id = ? AND is_current = 1", (attempt_id,))
            cur = insert_score(conn, attempt_id, result, current=True, created_at=now_iso())
            _update_status(conn, attempt_id, AttemptStatus.SCORED)
        return int(cur.lastrowid or 0)

    def make_current(self, attempt_id: int, score_id: int) -> None:
        """Show one of the attempt's kept scores as its score (in History, Progress and reports) from now on."""
        with self.db.transaction() as conn:
            found = conn.execute(
                "SELECT 1 FROM scores WHERE id = ? AND attempt_id = ?", (score_id, attempt_id)
            ).fetchone()
            if found is None:
                raise StorageError(
                    f"answer {attempt_id} has no score {score_id}", "it may have been deleted; refresh the view"
                )
            # Two steps: one current score per answer is a unique index, checked row by row.
            conn.execute("UPDATE scores SET is_current = 0 WHERE attempt_id = ? AND is_current = 1", (attempt_id,))
            conn.execute("UPDATE scores SET is_current = 1 WHERE id = ?", (score_id,))
            _update_status(conn, attempt_id, AttemptStatus.SCORED)

    def mark_scoring_failed(self, attempt_id: int, reason: str) -> None:
        self._set_status(attempt_id, AttemptStatus.SCORING_FAILED, reason)

    def owned_elsewhere(self, statuses: Sequence[AttemptStatus]) -> set[int]:
        """Ids of attempts in `statuses` whose creating process is another one, still running."""
        rows = self.db.conn.execute(
            "SELECT id, owner_pid, owner_started FROM attempts WHERE owner_pid IS NOT NULL AND status IN "
            "(SELECT value FROM json_each(?))",
            (json.dumps([s.value for s in statuses]),),
        ).fetchall()
        alive: dict[ProcessIdentity, bool] = {}
        found = set()
        for row in rows:
            owner = ProcessIdentity(row["owner_pid"], row["owner_started"])
            if owner not in alive:
                alive[owner] = owner.is_alive() and not owner.is_current()
            if alive[owner]:
                found.add(int(row["id"]))
        return found

    def get(self, attempt_id: int) -> AttemptRecord:
        row = self.db.conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise StorageError(f"attempt {attempt_id} does not exist")
        return self._records([row])[0]

    def list_by_status(self, status: AttemptStatus) -> list[AttemptRecord]:
        rows = self.db.conn.execute("SELECT * FROM attempts WHERE status = ? ORDER BY id", (status.value,))
        return self._records(rows.fetchall())

    def list_for_session(self, session_id: int) -> list[AttemptRecord]:
        rows = self.db.conn.execute("SELECT * FROM attempts WHERE session_id = ? ORDER BY id", (session_id,))
        return self._records(rows.fetchall())

    def list_scored(self) -> list[AttemptRecord]:
        """Every attempt with a current score, oldest first (for progress over time).

        Sessions imported from someone else are left out unless the importer chose to count them."""
        rows = self.db.conn.execute(
            """SELECT a.* FROM attempts a WHERE a.status = ? AND a.session_id NOT IN
                   (SELECT session_id FROM session_origins WHERE in_progress = 0)
               ORDER BY a.created_at, a.id""",
            (AttemptStatus.SCORED.value,),
        )
        return self._records(rows.fetchall())

    def _records(self, rows: Sequence[sqlite3.Row]) -> list[AttemptRecord]:
        """Records for `rows` in two more queries whatever their number (History reads thousands)."""
        if not rows:
            return []
        ids = json.dumps([row["id"] for row in rows])
        transcripts = self._transcripts(ids)
        scores = self._scores(ids)
        records = []
        for row in rows:
            kept = scores.get(row["id"], ())
            records.append(
                AttemptRecord(
                    id=row["id"],
                    session_id=row["session_id"],
                    question=_question(row["question_json"]),
                    competency=_competency(row["competency_json"]),
                    status=AttemptStatus(row["status"]),
                    status_reason=row["status_reason"],
                    answer_mode=row["answer_mode"],
                    audio_path=row["audio_path"],
                    duration_s=row["duration_s"],
                    transcript=transcripts.get(row["id"], (None, None))[0],
                    metrics=transcripts.get(row["id"], (None, None))[1],
                    score=next((s.result for s in kept if s.current), None),
                    created_at=row["created_at"],
                    parent_attempt_id=row["parent_attempt_id"],
                    scores=kept,
                )
            )
        return records

    # The ids travel as one JSON array, so no statement grows with the row count or meets SQLite's
    # limit on bound parameters.
    def _transcripts(self, ids: str) -> dict[int, tuple[Transcript, DeliveryMetrics]]:
        rows = self.db.conn.execute(
            "SELECT * FROM transcripts WHERE attempt_id IN (SELECT value FROM json_each(?))", (ids,)
        ).fetchall()
        return {
            row["attempt_id"]: (
                Transcript(
                    text=row["text"],
                    words=[Word.model_validate(w) for w in json.loads(row["words_json"])],
                    language=row["language"],
                    engine=row["engine"],
                    model=row["model"],
                ),
                DeliveryMetrics.model_validate_json(row["metrics_json"]),
            )
            for row in rows
        }

    def _scores(self, ids: str) -> dict[int, tuple[StoredScore, ...]]:
        """Every kept score of the attempts, oldest first per attempt."""
        found: dict[int, list[StoredScore]] = {}
        for row in self.db.conn.execute(
            """SELECT id, attempt_id, is_current, result_json, created_at FROM scores
               WHERE attempt_id IN (SELECT value FROM json_each(?)) ORDER BY attempt_id, id""",
            (ids,),
        ):
            found.setdefault(row["attempt_id"], []).append(
                StoredScore(
                    id=row["id"],
                    result=ScoreResult.model_validate_json(row["result_json"]),
                    created_at=row["created_at"],
                    current=bool(row["is_current"]),
                )
            )
        return {attempt_id: tuple(kept) for attempt_id, kept in found.items()}

    def settle_scoring(self, attempt_id: int, expected: AttemptRecord, outcome: ScoreResult | str) -> bool:
        """Store a scoring outcome (a score, or why scoring failed) only if the attempt is still as `expected`,
        read before scoring began: same status, reason and current score. Otherwise store nothing and return
        False, so a late result never overwrites what a newer scoring stored meanwhile."""
        with self.db.transaction():  # BEGIN IMMEDIATE: no other connection writes between check and write
            current = self.get(attempt_id)
            if (current.status, current.status_reason, current.score) != (
                expected.status,
                expected.status_reason,
                expected.score,
            ):
                return False
            if isinstance(outcome, ScoreResult):
                self.save_score(attempt_id, outcome)
            else:
                self.mark_scoring_failed(attempt_id, outcome)
        return True
