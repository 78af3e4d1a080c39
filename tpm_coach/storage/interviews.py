"""Queries for mock interviews: the session's format, level and verdict, follow-ups' probed criteria, and
transcripts corrected after Stop with what was heard kept beside them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tpm_coach.errors import StorageError
from tpm_coach.storage.db import Database
from tpm_coach.storage.repositories import now_iso


@dataclass(frozen=True)
class InterviewRow:
    session_id: int
    kind: str
    format: str
    level: str
    skills: tuple[str, ...]
    verdict: str | None
    debrief: dict[str, Any] | None


@dataclass(frozen=True)
class ProbeRow:
    attempt_id: int
    parent_attempt_id: int
    probes: tuple[str, ...]
    source: str


def interview_title(interview_format: str, level: str, verdict: str | None = None) -> str:
    """ "Interview · loop · senior", with " · lean hire" once the verdict is in."""
    parts = ["Interview", interview_format, level]
    if verdict:
        parts.append(verdict.replace("_", " "))
    return " · ".join(parts)


def _row(r: Any) -> InterviewRow:
    return InterviewRow(
        session_id=r["session_id"],
        kind=r["kind"],
        format=r["format"],
        level=r["level"],
        skills=tuple(json.loads(r["skills_json"])),
        verdict=r["verdict"],
        debrief=None if r["debrief_json"] is None else json.loads(r["debrief_json"]),
    )


class InterviewRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, session_id: int, interview_format: str, level: str, skills: Sequence[str]) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO interviews (session_id, format, level, skills_json) VALUES (?, ?, ?, ?)",
                (session_id, interview_format, level, json.dumps(list(skills))),
            )

    def set_debrief(self, session_id: int, verdict: str | None, debrief: dict[str, Any]) -> None:
        """Store the debrief, and name the verdict in the session's title so every list of sessions shows it."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE interviews SET verdict = ?, debrief_json = ? WHERE session_id = ?",
                (verdict, json.dumps(debrief), session_id),
            )
            if cur.rowcount != 1:
                raise StorageError(f"session {session_id} is not an interview")
            row = conn.execute("SELECT format, level FROM interviews WHERE session_id = ?", (session_id,)).fetchone()
            conn.execute(
                "UPDATE sessions SET title = ? WHERE id = ?",
                (interview_title(row["format"], row["level"], verdict), session_id),
            )

    def get(self, session_id: int) -> InterviewRow | None:
        r = self.db.conn.execute("SELECT * FROM interviews WHERE session_id = ?", (session_id,)).fetchone()
        return None if r is None else _row(r)

    def for_sessions(self, session_ids: Sequence[int]) -> dict[int, InterviewRow]:
        """The interview rows among `session_ids` (the others are practice sessions), in one query."""
        rows = self.db.conn.execute(
            "SELECT * FROM interviews WHERE session_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(session_ids)),),
        ).fetchall()
        return {r["session_id"]: _row(r) for r in rows}

    def record_probe(self, attempt_id: int, parent_attempt_id: int, probes: Sequence[str], source: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO follow_up_probes (attempt_id, parent_attempt_id, probes_json, source) "
                "VALUES (?, ?, ?, ?)",
                (attempt_id, parent_attempt_id, json.dumps(list(probes)), source),
            )

    def probes_for_session(self, session_id: int) -> dict[int, ProbeRow]:
        rows = self.db.conn.execute(
            """SELECT p.* FROM follow_up_probes p JOIN attempts a ON a.id = p.attempt_id
               WHERE a.session_id = ? ORDER BY p.attempt_id""",
            (session_id,),
        ).fetchall()
        return {
            r["attempt_id"]: ProbeRow(
                r["attempt_id"], r["parent_attempt_id"], tuple(json.loads(r["probes_json"])), r["source"]
            )
            for r in rows
        }


class TranscriptEdits:
    """A transcript corrected by the candidate. The correction becomes the transcript that is scored, shown and
    exported; what the speech model heard is kept here the first time, so no edit loses it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, attempt_id: int, edited_text: str) -> None:
        if not edited_text.strip():
            raise StorageError("the corrected transcript is empty", "type the answer, or keep what was heard")
        with self.db.transaction() as conn:
            row = conn.execute("SELECT text FROM transcripts WHERE attempt_id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise StorageError(f"answer {attempt_id} has no transcript to correct yet", "wait for the transcript")
            conn.execute(
                "INSERT OR IGNORE INTO transcript_edits (attempt_id, original_text, edited_at) VALUES (?, ?, ?)",
                (attempt_id, row["text"], now_iso()),
            )
            conn.execute("UPDATE transcript_edits SET edited_at = ? WHERE attempt_id = ?", (now_iso(), attempt_id))
            conn.execute("UPDATE transcripts SET text = ? WHERE attempt_id = ?", (edited_text, attempt_id))

    def original(self, attempt_id: int) -> str | None:
        """What was heard, if the transcript was corrected; None if it never was."""
        row = self.db.conn.execute(
            "SELECT original_text FROM transcript_edits WHERE attempt_id = ?", (attempt_id,)
        ).fetchone()
        return None if row is None else str(row["original_text"])
