"""SQL for coaches in the loop: imported sessions with their origin, and coach reviews of answers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from tpm_coach.domain import (
    AttemptRecord,
    AttemptStatus,
    CoachReview,
    Competency,
    DeliveryMetrics,
    Question,
    StoredScore,
    Transcript,
)
from tpm_coach.errors import StorageError
from tpm_coach.storage.db import Database
from tpm_coach.storage.repositories import insert_score, now_iso


@dataclass(frozen=True)
class SessionOrigin:
    """Who an imported session came from, and whether its answers count in the importer's progress."""

    session_id: int
    sender: str
    package_file: str
    package_created_at: str
    imported_at: str
    in_progress: bool


@dataclass(frozen=True)
class ImportedSession:
    title: str
    started_at: str
    ended_at: str | None
    bank_ids: list[str]


@dataclass(frozen=True)
class ImportedAnswer:
    """One answer as a package carries it; `audio_path` is already relative to the importer's data folder."""

    question: Question
    competency: Competency
    answer_mode: str
    status: AttemptStatus
    status_reason: str
    duration_s: float | None
    created_at: str
    audio_path: str | None
    transcript: Transcript | None
    metrics: DeliveryMetrics | None
    transcript_created_at: str
    scores: tuple[StoredScore, ...]
    review: CoachReview | None


class CoachRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- imported sessions ---------------------------------------------------------------------------------------

    def insert_session(
        self, session: ImportedSession, answers: list[ImportedAnswer], origin: SessionOrigin
    ) -> tuple[int, list[int]]:
        """Store an imported session whole, in one transaction: (session id, attempt ids in package order)."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, ended_at, title, bank_ids) VALUES (?, ?, ?, ?)",
                (session.started_at, session.ended_at, session.title, json.dumps(session.bank_ids)),
            )
            session_id = int(cur.lastrowid or 0)
            conn.execute(
                """INSERT INTO session_origins (session_id, sender, package_file, package_created_at, imported_at,
                       in_progress) VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    session_id,
                    origin.sender,
                    origin.package_file,
                    origin.package_created_at,
                    origin.imported_at,
                    int(origin.in_progress),
                ),
            )
            attempt_ids = [_insert_answer(conn, session_id, answer) for answer in answers]
            for attempt_id, answer in zip(attempt_ids, answers, strict=True):
                if answer.review is not None:
                    self._write_review(conn, attempt_id, answer.review)
        return session_id, attempt_ids

    def own_answer(self, created_at: str, question_id: str, transcript: str | None) -> tuple[int, int] | None:
        """(session id, answer id) of an answer given here with this time, question and transcript, if any.

        A package coming back from a coach holds the importer's own answers; this finds them."""
        rows = self.db.conn.execute(
            """SELECT a.id, a.session_id, t.text FROM attempts a LEFT JOIN transcripts t ON t.attempt_id = a.id
               WHERE a.created_at = ? AND a.question_id = ?
                 AND a.session_id NOT IN (SELECT session_id FROM session_origins)""",
            (created_at, question_id),
        ).fetchall()
        found = [(int(r["session_id"]), int(r["id"])) for r in rows if r["text"] == transcript]
        return found[0] if len(found) == 1 else None

    def save_reviews(self, reviews: dict[int, CoachReview]) -> None:
        """Several answers' reviews in one transaction."""
        with self.db.transaction() as conn:
            for attempt_id, review in reviews.items():
                self._write_review(conn, attempt_id, review)

    def origin(self, session_id: int) -> SessionOrigin | None:
        row = self.db.conn.execute("SELECT * FROM session_origins WHERE session_id = ?", (session_id,)).fetchone()
        return None if row is None else _origin(row)

    def origins(self) -> dict[int, SessionOrigin]:
        rows = self.db.conn.execute("SELECT * FROM session_origins ORDER BY session_id").fetchall()
        return {int(row["session_id"]): _origin(row) for row in rows}

    def count_in_progress(self, session_id: int, counted: bool) -> None:
        """Let an imported session's answers count in the importer's progress, or keep them out again."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE session_origins SET in_progress = ? WHERE session_id = ?", (int(counted), session_id)
            )
            if cur.rowcount != 1:
                raise StorageError(
                    f"session {session_id} was not imported", "only imported sessions are kept out of progress"
                )

    # -- reviews -------------------------------------------------------------------------------------------------

    def save_review(self, attempt_id: int, review: CoachReview) -> None:
        """The answer's review, replacing an earlier one by the same or another coach."""
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM attempts WHERE id = ?", (attempt_id,)).fetchone() is None:
                raise StorageError(f"answer {attempt_id} does not exist", "list a session's answers with `history`")
            self._write_review(conn, attempt_id, review)

    def _write_review(self, conn: sqlite3.Connection, attempt_id: int, review: CoachReview) -> None:
        stamped = review if review.reviewed_at else review.model_copy(update={"reviewed_at": now_iso()})
        conn.execute(
            "INSERT OR REPLACE INTO coach_reviews (attempt_id, coach, review_json, reviewed_at) VALUES (?, ?, ?, ?)",
            (attempt_id, stamped.coach, stamped.model_dump_json(), stamped.reviewed_at),
        )

    def review(self, attempt_id: int) -> CoachReview | None:
        row = self.db.conn.execute("SELECT review_json FROM coach_reviews WHERE attempt_id = ?", (attempt_id,))
        found = row.fetchone()
        return None if found is None else CoachReview.model_validate_json(found["review_json"])

    def reviews(self, attempt_ids: list[int]) -> dict[int, CoachReview]:
        rows = self.db.conn.execute(
            "SELECT attempt_id, review_json FROM coach_reviews WHERE attempt_id IN (SELECT value FROM json_each(?))",
            (json.dumps(attempt_ids),),
        ).fetchall()
        return {int(r["attempt_id"]): CoachReview.model_validate_json(r["review_json"]) for r in rows}

    def reviewed_attempt_ids(self) -> list[int]:
        """Every answer a coach graded that also has an app score, oldest first: what agreement is measured on."""
        rows = self.db.conn.execute(
            """SELECT r.attempt_id FROM coach_reviews r JOIN attempts a ON a.id = r.attempt_id
               WHERE EXISTS (SELECT 1 FROM scores s WHERE s.attempt_id = a.id AND s.is_current = 1)
               ORDER BY a.created_at, a.id"""
        ).fetchall()
        return [int(r["attempt_id"]) for r in rows]

    def transcript_created_at(self, attempt_ids: list[int]) -> dict[int, str]:
        rows = self.db.conn.execute(
            "SELECT attempt_id, created_at FROM transcripts WHERE attempt_id IN (SELECT value FROM json_each(?))",
            (json.dumps(attempt_ids),),
        ).fetchall()
        return {int(r["attempt_id"]): str(r["created_at"]) for r in rows}


def _origin(row: sqlite3.Row) -> SessionOrigin:
    return SessionOrigin(
        session_id=int(row["session_id"]),
        sender=row["sender"],
        package_file=row["package_file"],
        package_created_at=row["package_created_at"],
        imported_at=row["imported_at"],
        in_progress=bool(row["in_progress"]),
    )


def _insert_answer(conn: sqlite3.Connection, session_id: int, answer: ImportedAnswer) -> int:
    cur = conn.execute(
        """INSERT INTO attempts (session_id, question_id, competency_id, question_json, competency_json,
               answer_mode, status, status_reason, audio_path, duration_s, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            session_id,
            answer.question.id,
            answer.competency.id,
            answer.question.model_dump_json(),
            answer.competency.model_dump_json(),
            answer.answer_mode,
            answer.status.value,
            answer.status_reason,
            answer.audio_path,
            answer.duration_s,
            answer.created_at,
            now_iso(),
        ),
    )
    attempt_id = int(cur.lastrowid or 0)
    if answer.transcript is not None:
        conn.execute(
            """INSERT INTO transcripts (attempt_id, text, words_json, language, engine, model, metrics_json, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                attempt_id,
                answer.transcript.text,
                json.dumps([w.model_dump() for w in answer.transcript.words]),
                answer.transcript.language,
                answer.transcript.engine,
                answer.transcript.model,
                (answer.metrics or DeliveryMetrics()).model_dump_json(),
                answer.transcript_created_at or now_iso(),
            ),
        )
    for kept in answer.scores:
        insert_score(conn, attempt_id, kept.result, current=kept.current, created_at=kept.created_at)
    return attempt_id


def records_with_reviews(
    records: list[AttemptRecord], reviews: dict[int, CoachReview]
) -> list[tuple[AttemptRecord, CoachReview]]:
    """The records that carry a review, paired with it, in the records' order."""
    return [(record, reviews[record.id]) for record in records if record.id in reviews]
