"""Interview storage in a real SQLite file: the interview row, probed criteria, and a corrected transcript kept
beside what was heard and used for the score; the generated probe's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.errors import StorageError
from tpm_coach.interview.llm_probe import check_probe
from tpm_coach.scoring import OfflineScorer, ScoringService
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
from tpm_coach.storage.interviews import InterviewRepository, TranscriptEdits

HEARD = "We moved the payments service behind a feature flag and watched the bored rate."
FIXED = "We moved the payments service behind a feature flag and watched the error rate, with a rollback ready."


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database.open(tmp_path / "app.sqlite3")


def test_an_interview_session_keeps_its_format_level_and_verdict(db: Database) -> None:
    sessions, interviews = SessionRepository(db), InterviewRepository(db)
    practice = sessions.create(["default"])
    session_id = sessions.create(["default"], "Interview")
    interviews.create(session_id, "loop", "staff", ["leadership", "communication"])
    interviews.set_debrief(session_id, "lean_hire", {"skills": []})

    found = interviews.for_sessions([practice, session_id])

    assert list(found) == [session_id]
    row = found[session_id]
    assert (row.format, row.level, row.skills, row.verdict) == (
        "loop",
        "staff",
        ("leadership", "communication"),
        "lean_hire",
    )
    with pytest.raises(StorageError, match="not an interview"):
        interviews.set_debrief(practice, "lean_hire", {})


def test_a_corrected_transcript_keeps_what_was_heard_and_the_score_uses_the_correction(
    db: Database, tmp_path: Path
) -> None:
    library = BankLibrary(tmp_path / "banks")
    question = library.question("tech-001")
    competency = library.competency_for(question)
    attempts = AttemptRepository(db)
    attempt_id = attempts.create(SessionRepository(db).create(["default"]), question, competency, answer_mode="typed")
    attempts.save_transcript(attempt_id, Transcript(text=HEARD), DeliveryMetrics())
    edits = TranscriptEdits(db)

    edits.save(attempt_id, FIXED)
    edits.save(attempt_id, FIXED + " It took two weeks.")
    score = ScoringService(attempts, lambda _c: OfflineScorer()).score_attempt(attempt_id, scorer="offline")

    record = attempts.get(attempt_id)
    assert record.transcript is not None and record.transcript.text == FIXED + " It took two weeks."
    assert edits.original(attempt_id) == HEARD
    quotes = [e.quote for c in score.criteria for e in c.evidence]
    assert quotes and all("bored" not in q for q in quotes)
    with pytest.raises(StorageError, match="empty"):
        edits.save(attempt_id, "  ")


def test_a_probe_is_recorded_with_its_parent_and_criteria(db: Database, tmp_path: Path) -> None:
    library = BankLibrary(tmp_path / "banks")
    question = library.question("tech-002")
    competency = library.competency_for(question)
    attempts = AttemptRepository(db)
    session_id = SessionRepository(db).create(["default"])
    parent = attempts.create(session_id, question, competency, answer_mode="typed")
    child = attempts.create(session_id, question, competency, answer_mode="typed", parent_attempt_id=parent)

    InterviewRepository(db).record_probe(child, parent, ["architecture", "trade-offs"], "llm")

    [row] = InterviewRepository(db).probes_for_session(session_id).values()
    assert (row.attempt_id, row.parent_attempt_id, row.probes, row.source) == (
        child,
        parent,
        ("architecture", "trade-offs"),
        "llm",
    )


ANSWER = "We would just add more servers when the traffic grows, and then see."


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ({"quote": "add more servers and more", "follow_up": 'You said "add more servers and more"?'}, "not in"),
        ({"quote": "add more servers", "follow_up": "How would you size the fleet?"}, "candidate's words"),
        ({"quote": "servers", "follow_up": 'You said "servers"?'}, "too short"),
        ({"follow_up": "What about cost?"}, "lacks"),
        (["not", "an", "object"], "not a JSON object"),
    ],
)
def test_a_generated_probe_must_build_on_the_candidates_own_words(reply: object, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        check_probe(reply, ANSWER)


def test_a_probe_that_quotes_the_answer_is_accepted_whatever_the_spacing() -> None:
    reply = {"quote": "just add  more servers", "follow_up": 'You said "just add more servers": what would that cost?'}
    assert check_probe(reply, ANSWER) == (reply["follow_up"], "just add  more servers")


def test_a_follow_up_scored_in_part_stays_out_of_whole_answer_averages(db: Database, tmp_path: Path) -> None:
    from tpm_coach.interview.follow_up import probed_competency
    from tpm_coach.practice.skills import skill_stats
    from tpm_coach.progress import skill_series

    library = BankLibrary(tmp_path / "banks")
    question = library.question("tech-002")
    competency = library.competency_for(question)
    attempts = AttemptRepository(db)
    session_id = SessionRepository(db).create(["default"])
    parent = attempts.create(session_id, question, competency, answer_mode="typed")
    child = attempts.create(session_id, question, competency, answer_mode="typed", parent_attempt_id=parent)
    answer = "We size for the peak, queue the events, and fail over to a second SMS provider when one is down."
    for attempt_id in (parent, child):
        attempts.save_transcript(attempt_id, Transcript(text=answer), DeliveryMetrics())
    attempts.save_score(parent, OfflineScorer().score(question, competency, answer))
    attempts.save_score(child, OfflineScorer().score(question, probed_competency(competency, ["architecture"]), answer))

    records = attempts.list_for_session(session_id)

    assert [r.scored_in_part for r in records] == [False, True]
    assert skill_stats(records)["technical-aptitude"].count == 1
    assert [p.attempt_id for s in skill_series(records) for p in s.points] == [parent]
