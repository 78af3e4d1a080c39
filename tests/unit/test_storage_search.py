"""Full-text search of questions and transcripts: the index follows every change and covers older databases."""

from __future__ import annotations

from pathlib import Path

from tests.support.domain import sample_competency, sample_question
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
from tpm_coach.storage.migrations import MIGRATIONS
from tpm_coach.storage.search import fts_query, matching_session_ids, search_sessions

BEFORE_SEARCH = next(i for i, m in enumerate(MIGRATIONS) if "CREATE VIRTUAL TABLE answer_search" in m)


def _answer(db: Database, session_id: int, text: str) -> int:
    attempts = AttemptRepository(db)
    attempt_id = attempts.create(session_id, sample_question(), sample_competency(), answer_mode="typed")
    attempts.save_transcript(attempt_id, Transcript(text=text), DeliveryMetrics(word_count=len(text.split())))
    return attempt_id


def test_transcripts_questions_and_titles_are_found_and_the_index_follows_changes(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    sessions = SessionRepository(db)
    ledger = sessions.create(["default"], title="Monday warm-up")
    other = sessions.create(["default"], title="Ledger drills")
    attempt = _answer(db, ledger, "We moved every merchant to the new ledger before the vendor contract expired.")
    _answer(db, other, "I kept a weekly risk review with the leads.")

    assert matching_session_ids(db, "merchant ledger") == {ledger}
    assert matching_session_ids(db, "ledger") == {ledger, other}  # a transcript and a title
    assert matching_session_ids(db, "merch") == {ledger}  # words match as prefixes
    question_word = sample_question().text.split()[-1]
    assert {ledger, other} <= matching_session_ids(db, question_word)

    [found] = search_sessions(db, "vendor contract")
    assert found.summary.id == ledger
    [answer] = found.answers
    assert answer.attempt_id == attempt and answer.field == "transcript"
    assert "[vendor] [contract]" in answer.excerpt

    AttemptRepository(db).save_transcript(attempt, Transcript(text="A different answer."), DeliveryMetrics())
    assert matching_session_ids(db, "merchant") == set()
    assert matching_session_ids(db, "different") == {ledger}
    sessions.delete(ledger)
    assert matching_session_ids(db, "different") == set()
    db.close()


def test_what_people_type_is_text_not_query_syntax(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    session = SessionRepository(db).create(["default"])
    _answer(db, session, 'She said "NEAR" and OR * were fine.')
    assert fts_query('"NEAR" OR *') == '"near"* "or"*'
    assert matching_session_ids(db, '"NEAR" OR *') == {session}
    assert matching_session_ids(db, "***") == set()
    db.close()


def test_answers_stored_before_the_index_existed_are_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database.open(path, migrate_to=BEFORE_SEARCH)
    session = SessionRepository(old).create(["default"], title="before search")
    _answer(old, session, "The critical path ran through the finance team.")
    old.close()

    upgraded = Database.open(path)
    assert matching_session_ids(upgraded, "finance critical") == {session}
    assert upgraded.quick_check() == []
    upgraded.close()
