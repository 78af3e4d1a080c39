"""A session goes candidate -> coach -> candidate as package files, and every byte that should survive does.

Two real data folders (SQLite files and WAV recordings): the candidate's, populated by the app's own
repositories, and the coach's. The coach grades an imported answer; the reviewed package comes back.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.app_data import TRANSCRIPT_MARKER, populate, score
from tests.support.domain import sample_competency, sample_question
from tpm_coach.coach.export import export_session
from tpm_coach.coach.importer import import_session
from tpm_coach.coach.package_format import MANIFEST_NAME, SESSION_NAME
from tpm_coach.coach.review import comment_on, save_review
from tpm_coach.domain import AttemptRecord, CoachGrade, CoachReview, DeliveryMetrics, Transcript
from tpm_coach.errors import CoachReviewError, StorageError
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
from tpm_coach.storage.coach import CoachRepository


def kept(record: AttemptRecord, paths: DataPaths) -> dict[str, Any]:
    """What must survive a trip through a package, byte for byte: everything but row ids and file locations."""
    audio = None
    if record.audio_path:
        audio = hashlib.sha256(paths.absolute(record.audio_path).read_bytes()).hexdigest()
    return {
        "question": record.question.model_dump_json(),
        "competency": record.competency.model_dump_json(),
        "status": record.status,
        "status_reason": record.status_reason,
        "answer_mode": record.answer_mode,
        "duration_s": record.duration_s,
        "created_at": record.created_at,
        "transcript": None if record.transcript is None else record.transcript.model_dump_json(),
        "metrics": None if record.metrics is None else record.metrics.model_dump_json(),
        "scores": [(s.result.model_dump_json(), s.created_at, s.current) for s in record.scores],
        "audio": audio,
    }


def open_folder(root: Path) -> tuple[DataPaths, Database]:
    paths = DataPaths(root).ensure()
    return paths, Database.open(paths.database)


def test_round_trip_candidate_coach_candidate_keeps_every_byte(tmp_path: Path) -> None:
    candidate, candidate_db = open_folder(tmp_path / "candidate")
    coach_paths, coach_db = open_folder(tmp_path / "coach")
    try:
        candidate_db.close()
        populated = populate(candidate, sessions=1)
        candidate_db = Database.open(candidate.database)
        [session_id] = populated.session_ids
        original = AttemptRepository(candidate_db).list_for_session(session_id)
        sent = export_session(candidate_db, candidate, session_id, tmp_path / "to-coach.tpmsession", sender="Casey")
        assert (sent.answers, sent.recordings) == (3, 2)

        received = import_session(coach_db, coach_paths, sent.path)
        assert received.sender == "Casey"
        at_coach = AttemptRepository(coach_db).list_for_session(received.session_id)
        assert [kept(r, coach_paths) for r in at_coach] == [kept(r, candidate) for r in original]
        origin = CoachRepository(coach_db).origin(received.session_id)
        assert origin is not None and origin.sender == "Casey" and not origin.in_progress

        answer = at_coach[0]
        assert answer.transcript is not None
        criteria = [c.id for c in answer.competency.rubric.criteria]
        review = save_review(
            coach_db,
            answer.id,
            CoachReview(
                coach="Coach Kim",
                grades=[CoachGrade(criterion=c, score=2 + n % 3) for n, c in enumerate(criteria)],
                comments=[comment_on(answer.transcript.text, TRANSCRIPT_MARKER, "say what you measured here")],
                note="Lead with the outcome.",
            ),
        )
        assert review.reviewed_at  # stamped when stored
        back = export_session(coach_db, coach_paths, received.session_id, tmp_path / "back.tpmsession", sender="Kim")

        # The candidate's own answers come back: the reviews join them, with no second copy of the session.
        sessions_before = SessionRepository(candidate_db).list_summaries()
        returned = import_session(candidate_db, candidate, back.path)
        assert (returned.returned, returned.session_id, returned.reviewed) == (True, session_id, 1)
        assert SessionRepository(candidate_db).list_summaries() == sessions_before
        final = AttemptRepository(candidate_db).list_for_session(session_id)
        assert [kept(r, candidate) for r in final] == [kept(r, candidate) for r in original]
        assert CoachRepository(candidate_db).reviews([r.id for r in final]) == {original[0].id: review}
        comment = review.comments[0]
        assert final[0].transcript is not None
        assert final[0].transcript.text[comment.start : comment.end] == TRANSCRIPT_MARKER

        # Anyone else importing the reviewed package gets the whole session, reviews and all, byte for byte.
        third_paths, third_db = open_folder(tmp_path / "third")
        try:
            third = import_session(third_db, third_paths, back.path)
            assert not third.returned and third.reviewed == 1 and third.sender == "Kim"
            copy = AttemptRepository(third_db).list_for_session(third.session_id)
            assert [kept(r, third_paths) for r in copy] == [kept(r, candidate) for r in original]
            assert CoachRepository(third_db).review(copy[0].id) == review
            session = SessionRepository(third_db).get(third.session_id)
        finally:
            third_db.close()
        first = SessionRepository(candidate_db).get(session_id)
        assert (session.title, session.started_at, session.ended_at, session.bank_ids) == (
            first.title,
            first.started_at,
            first.ended_at,
            first.bank_ids,
        )
    finally:
        candidate_db.close()
        coach_db.close()


def test_imported_sessions_stay_out_of_progress_until_counted(tmp_path: Path) -> None:
    candidate, db = open_folder(tmp_path / "candidate")
    db.close()
    populate(candidate, sessions=1)
    coach_paths, coach_db = open_folder(tmp_path / "coach")
    with Database.open(candidate.database) as db:
        package = export_session(db, candidate, 1, tmp_path / "p.tpmsession", sender="Casey").path
    try:
        own = populate_one_scored(coach_db)
        imported = import_session(coach_db, coach_paths, package)
        attempts = AttemptRepository(coach_db)
        assert [a.id for a in attempts.list_scored()] == [own]
        CoachRepository(coach_db).count_in_progress(imported.session_id, True)
        assert {a.session_id for a in attempts.list_scored()} == {1, imported.session_id}
        CoachRepository(coach_db).count_in_progress(imported.session_id, False)
        assert [a.id for a in attempts.list_scored()] == [own]
        with pytest.raises(StorageError, match="was not imported"):
            CoachRepository(coach_db).count_in_progress(1, True)
    finally:
        coach_db.close()


def populate_one_scored(db: Database) -> int:
    session = SessionRepository(db).create(["default"], "my own")
    attempts = AttemptRepository(db)
    attempt = attempts.create(session, sample_question(), sample_competency(), answer_mode="typed")
    attempts.save_transcript(attempt, Transcript(text="my own answer"), DeliveryMetrics())
    attempts.save_score(attempt, score())
    return attempt


def test_no_audio_and_chosen_answers(tmp_path: Path) -> None:
    candidate, db = open_folder(tmp_path / "candidate")
    db.close()
    populated = populate(candidate, sessions=1)
    with Database.open(candidate.database) as db:
        wanted = populated.attempt_ids[1:]
        result = export_session(
            db, candidate, 1, tmp_path / "small.tpmsession", sender="", include_audio=False, answer_ids=wanted
        )
        with pytest.raises(StorageError, match="not in session 1"):
            export_session(db, candidate, 1, tmp_path / "x.tpmsession", sender="", answer_ids=[999])
    with zipfile.ZipFile(result.path) as archive:
        assert sorted(archive.namelist()) == [MANIFEST_NAME, SESSION_NAME]
        document = json.loads(archive.read(SESSION_NAME))
        manifest = json.loads(archive.read(MANIFEST_NAME))
    assert len(document["answers"]) == 2 and all(a["audio"] is None for a in document["answers"])
    assert manifest["format"] == "tpm_coach-session" and manifest["format_version"] == 1
    [listed] = manifest["files"]
    assert listed["path"] == SESSION_NAME
    scores = document["answers"][0]["scores"]
    assert scores[0]["result"]["scorer"] == "llm" and scores[0]["result"]["prompt_version"] == "score@test"
    assert not (tmp_path / "x.tpmsession").exists()


def test_a_review_that_does_not_fit_the_answer_is_refused(tmp_path: Path) -> None:
    paths, db = open_folder(tmp_path / "data")
    db.close()
    populated = populate(paths, sessions=1)
    with Database.open(paths.database) as db:
        answer = populated.attempt_ids[0]
        scale = AttemptRepository(db).get(answer).competency.rubric.scale
        with pytest.raises(CoachReviewError, match="no-such-criterion") as info:
            save_review(db, answer, CoachReview(coach="K", grades=[CoachGrade(criterion="no-such-criterion", score=3)]))
        assert "scale" in info.value.hint
        first = AttemptRepository(db).get(answer).competency.rubric.criteria[0].id
        with pytest.raises(CoachReviewError, match="outside the scale"):
            save_review(db, answer, CoachReview(coach="K", grades=[CoachGrade(criterion=first, score=scale.max + 1)]))
        with pytest.raises(CoachReviewError, match="does not contain"):
            comment_on("We shipped it.", "we never said this", "?")
        assert CoachRepository(db).review(answer) is None
