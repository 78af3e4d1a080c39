"""Follow-ups and retries are grouped and labelled under their question in session reports, from real storage."""

from __future__ import annotations

from pathlib import Path

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.practice.turn import follow_up_question
from tpm_coach.reports import load_report
from tpm_coach.reports.markdown import render_markdown
from tpm_coach.reports.threads import thread_answers
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


def test_follow_ups_and_retries_hang_under_their_question(tmp_path: Path) -> None:
    library = BankLibrary(tmp_path / "banks")
    db = Database.open(tmp_path / "app.sqlite3")
    sessions, attempts = SessionRepository(db), AttemptRepository(db)
    session_id = sessions.create(["default"], "Interview")
    first, second = library.question("tech-002"), library.question("lead-002")
    tech, lead = library.competency_for(first), library.competency_for(second)
    q1 = attempts.create(session_id, first, tech, answer_mode="typed")
    q2 = attempts.create(session_id, second, lead, answer_mode="typed")
    # Asked later, but about the first question: it belongs under it.
    probe = follow_up_question(first, "How do the components talk to each other?", 1)
    f1 = attempts.create(session_id, probe, tech, answer_mode="typed", parent_attempt_id=q1)
    r2 = attempts.create(session_id, second, lead, answer_mode="typed", parent_attempt_id=q2)
    for attempt_id in (q1, q2, f1, r2):
        attempts.save_transcript(attempt_id, Transcript(text=f"answer {attempt_id}"), DeliveryMetrics())

    threaded = thread_answers(attempts.list_for_session(session_id))

    assert [(t.record.id, t.label, t.role, t.depth) for t in threaded] == [
        (q1, "1", "question", 0),
        (f1, "1 · follow-up 1", "follow_up", 1),
        (q2, "2", "question", 0),
        (r2, "2 · retry 1", "retry", 1),
    ]
    report = load_report(sessions, attempts, session_id)
    assert [a.label for a in report.answers] == ["1", "1 · follow-up 1", "2", "2 · retry 1"]
    text = render_markdown(report)
    assert text.index("## 1 · follow-up 1. How do the components") < text.index("## 2. ")
