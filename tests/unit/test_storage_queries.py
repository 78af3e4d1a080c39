"""Reading attempts costs the same number of SQL statements for one row as for hundreds, and every
record still carries its own transcript, metrics, current score and earlier scores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.domain import sample_competency, sample_question
from tpm_coach.domain import (
    AttemptRecord,
    AttemptStatus,
    CriterionScore,
    DeliveryMetrics,
    Evidence,
    ScoreResult,
    StarCheck,
    Transcript,
    Word,
)
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


def score(n: int) -> ScoreResult:
    return ScoreResult(
        overall=1 + n % 5,
        scale_min=1,
        scale_max=5,
        criteria=[
            CriterionScore(id="c1", score=1 + n % 5, rationale=f"rationale {n}", evidence=[Evidence(quote=f"q{n}")]),
            CriterionScore(id="c2", score=3, rationale="ok", flagged=n % 2 == 0),
        ],
        strengths=[f"strength {n}"],
        star=StarCheck(situation=True, task=n % 2 == 0, action=True, result=False),
        scorer="llm",
    )


def fill(attempts: AttemptRepository, session_id: int, count: int) -> list[int]:
    """`count` scored attempts (each scored twice: only the second is current) and one left recording."""
    ids = []
    for n in range(count):
        attempt_id = attempts.create(session_id, sample_question(), sample_competency())
        attempts.set_recorded(attempt_id, 10.0 + n)
        transcript = Transcript(text=f"answer {n}", words=[Word(word=f"answer{n}", start=0.0, end=0.5)])
        attempts.save_transcript(attempt_id, transcript, DeliveryMetrics(word_count=n))
        attempts.save_score(attempt_id, score(n + 100))
        attempts.save_score(attempt_id, score(n))
        ids.append(attempt_id)
    ids.append(attempts.create(session_id, sample_question(), sample_competency()))
    return ids


def statements(db: Database, read: Callable[[], list[AttemptRecord]]) -> tuple[int, list[AttemptRecord]]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        records = read()
    finally:
        db.conn.set_trace_callback(None)
    return len(seen), records


@pytest.mark.parametrize(
    "read",
    [
        lambda attempts, session_id: attempts.list_for_session(session_id),
        lambda attempts, _session_id: attempts.list_scored(),
        lambda attempts, _session_id: attempts.list_by_status(AttemptStatus.SCORED),
    ],
    ids=["for_session", "scored", "by_status"],
)
def test_statement_count_does_not_grow_with_the_rows(
    tmp_path: Path, read: Callable[[AttemptRepository, int], list[AttemptRecord]]
) -> None:
    counts = []
    for size in (1, 40):
        db = Database.open(tmp_path / f"{size}.sqlite3")
        attempts = AttemptRepository(db)
        session_id = SessionRepository(db).create(["default"])
        fill(attempts, session_id, size)
        count, records = statements(db, lambda: read(attempts, session_id))  # noqa: B023 - called at once
        assert len([r for r in records if r.status is AttemptStatus.SCORED]) == size
        counts.append(count)
        db.close()
    assert counts[0] == counts[1]


def test_each_record_gets_its_own_transcript_and_scores(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    attempts = AttemptRepository(db)
    session_id = SessionRepository(db).create(["default"])
    other_session = SessionRepository(db).create(["default"])
    fill(attempts, other_session, 3)
    ids = fill(attempts, session_id, 12)
    records = attempts.list_for_session(session_id)
    assert [r.id for r in records] == ids
    for n, record in enumerate(records[:-1]):
        assert record.transcript is not None
        assert record.transcript.text == f"answer {n}"
        assert record.metrics == DeliveryMetrics(word_count=n)
        assert record.score == score(n)
        assert [(s.result, s.current) for s in record.scores] == [(score(n + 100), False), (score(n), True)]
    unfinished = records[-1]
    assert (unfinished.status, unfinished.transcript, unfinished.metrics, unfinished.score, unfinished.scores) == (
        AttemptStatus.RECORDING,
        None,
        None,
        None,
        (),
    )
    assert attempts.get(ids[5]) == records[5]
    db.close()
