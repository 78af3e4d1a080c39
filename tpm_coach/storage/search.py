"""Full-text search of past answers (their question and transcript) and of session titles.

The FTS5 index `answer_search` is kept in step by triggers (see migrations); this module only reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tpm_coach.storage.db import Database
from tpm_coach.storage.repositories import SessionRepository, SessionSummary

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class AnswerMatch:
    """One answer that matched: where, and a short excerpt with the matched words in [brackets]."""

    session_id: int
    attempt_id: int
    field: str  # "question" or "transcript"
    excerpt: str


@dataclass(frozen=True)
class SessionMatch:
    summary: SessionSummary
    answers: list[AnswerMatch]  # empty when only the session's title matched


def fts_query(text: str) -> str:
    """Every word of `text` must appear, each as a prefix ("migrat" finds "migration").

    Words are quoted, so FTS5 syntax in what a person types (AND, NEAR, quotes, '*') is read as text.
    """
    return " ".join(f'"{word}"*' for word in _WORD.findall(text.lower()))


def matching_answers(db: Database, text: str, *, limit: int = 500) -> list[AnswerMatch]:
    query = fts_query(text)
    if not query:
        return []
    rows = db.conn.execute(
        """
        SELECT rowid, session_id,
               snippet(answer_search, 0, '[', ']', '…', 10) AS in_question,
               snippet(answer_search, 1, '[', ']', '…', 10) AS in_transcript
        FROM answer_search WHERE answer_search MATCH ? ORDER BY rank LIMIT ?
        """,
        (query, limit),
    ).fetchall()
    found = []
    for row in rows:
        in_transcript = "[" in row["in_transcript"]
        excerpt = row["in_transcript"] if in_transcript else row["in_question"]
        field = "transcript" if in_transcript else "question"
        found.append(AnswerMatch(int(row["session_id"]), int(row["rowid"]), field, excerpt))
    return found


def matching_session_ids(db: Database, text: str) -> set[int]:
    """Sessions whose title holds every word, or with an answer whose question or transcript does."""
    ids = {m.session_id for m in matching_answers(db, text)}
    words = _WORD.findall(text.lower())
    if words:
        titles = db.conn.execute("SELECT id, title FROM sessions WHERE title != ''").fetchall()
        ids |= {int(r["id"]) for r in titles if all(w in r["title"].lower() for w in words)}
    return ids


def search_sessions(db: Database, text: str, *, limit: int | None = None) -> list[SessionMatch]:
    """Matching sessions, newest first, each with the answers that matched."""
    answers = matching_answers(db, text)
    ids = matching_session_ids(db, text)
    by_session: dict[int, list[AnswerMatch]] = {}
    for match in answers:
        by_session.setdefault(match.session_id, []).append(match)
    summaries = [s for s in SessionRepository(db).list_summaries() if s.id in ids]
    if limit is not None:
        summaries = summaries[:limit]
    return [SessionMatch(s, by_session.get(s.id, [])) for s in summaries]
