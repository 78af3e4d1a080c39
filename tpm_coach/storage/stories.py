"""Which story each answer told: the attempt -> story links, and the scored uses of each story."""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.storage.db import Database
from tpm_coach.storage.repositories import now_iso


@dataclass(frozen=True)
class StoryLink:
    attempt_id: int
    story_id: str | None  # None: the answer told a story the candidate has not saved
    similarity: float
    source: str  # 'detected' by the matcher or 'chosen' by the candidate


@dataclass(frozen=True)
class StoryUse:
    """One scored answer that told a story: for coverage and progress per story."""

    attempt_id: int
    story_id: str
    competency_id: str
    overall: float | None  # the current score's overall, on its own scale
    scale: tuple[int, int] | None
    created_at: str

    @property
    def strength(self) -> float | None:
        """The overall score as a share of its scale, 0..1, so scores on different scales compare."""
        if self.overall is None or self.scale is None or self.scale[1] <= self.scale[0]:
            return None
        return (self.overall - self.scale[0]) / (self.scale[1] - self.scale[0])


class StoryLinkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def link(self, attempt_id: int, story_id: str | None, similarity: float, source: str = "detected") -> None:
        """Record the story an answer told; a story the candidate chose is not overwritten by a detection."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT source FROM attempt_stories WHERE attempt_id = ?", (attempt_id,)).fetchone()
            if row is not None and row["source"] == "chosen" and source == "detected":
                return
            conn.execute(
                "INSERT INTO attempt_stories (attempt_id, story_id, similarity, source, linked_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(attempt_id) DO UPDATE SET story_id = excluded.story_id,"
                " similarity = excluded.similarity, source = excluded.source, linked_at = excluded.linked_at",
                (attempt_id, story_id, similarity, source, now_iso()),
            )

    def get(self, attempt_id: int) -> StoryLink | None:
        row = self.db.conn.execute(
            "SELECT attempt_id, story_id, similarity, source FROM attempt_stories WHERE attempt_id = ?", (attempt_id,)
        ).fetchone()
        return None if row is None else StoryLink(row[0], row[1], float(row[2]), row[3])

    def uses(self) -> list[StoryUse]:
        """Every answer linked to a saved story, with its current overall score, oldest first."""
        rows = self.db.conn.execute(
            """
            SELECT a.id, l.story_id, a.competency_id, s.overall, s.scale_min, s.scale_max, a.created_at
            FROM attempt_stories AS l
            JOIN attempts AS a ON a.id = l.attempt_id
            LEFT JOIN scores AS s ON s.attempt_id = a.id AND s.is_current = 1
            WHERE l.story_id IS NOT NULL
            ORDER BY a.created_at, a.id
            """
        ).fetchall()
        return [
            StoryUse(
                r[0], r[1], r[2], None if r[3] is None else float(r[3]), None if r[3] is None else (r[4], r[5]), r[6]
            )
            for r in rows
        ]
