"""The end-of-session report and evidence highlighting, from real stored attempts."""

from __future__ import annotations

from pathlib import Path

from tests.support.practice_fakes import STRONG_ANSWER, simple_metrics
from tpm_coach.banks import BankLibrary
from tpm_coach.domain import CriterionScore, Evidence, ScoreResult, Transcript
from tpm_coach.practice import build_report
from tpm_coach.practice.skills import to_common_scale
from tpm_coach.scoring import overall_score
from tpm_coach.scoring.evidence import evidence_spans
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


def store(
    attempts: AttemptRepository,
    session: int,
    library: BankLibrary,
    competency_id: str,
    *,
    scores: dict[str, int],
    duration: float | None = None,
) -> int:
    competency = library.competency(competency_id)
    question = library.questions([competency_id])[0]
    mode = "spoken" if duration else "typed"
    attempt = attempts.create(
        session, question, competency, answer_mode=mode, audio_path="audio/x.wav" if duration else None
    )
    if duration:
        attempts.set_recorded(attempt, duration)
    transcript = Transcript(text=STRONG_ANSWER)
    attempts.save_transcript(attempt, transcript, simple_metrics(transcript))
    criteria = [CriterionScore(id=c.id, score=scores.get(c.id, 3), rationale="r") for c in competency.rubric.criteria]
    attempts.save_score(
        attempt,
        ScoreResult(
            overall=overall_score(criteria, competency.rubric),
            scale_min=1,
            scale_max=5,
            criteria=criteria,
            scorer="offline",
        ),
    )
    return attempt


def test_report_compares_with_earlier_sessions_and_picks_three_criteria(tmp_path: Path) -> None:
    library = BankLibrary(tmp_path / "banks")
    db = Database.open(tmp_path / "db.sqlite3")
    attempts, sessions = AttemptRepository(db), SessionRepository(db)
    earlier = sessions.create(["default"])
    store(attempts, earlier, library, "leadership", scores={}, duration=60)
    now = sessions.create(["default"])
    rubric = library.competency("technical-aptitude").rubric
    weak = {c.id: 5 for c in rubric.criteria} | {"architecture": 1}
    store(attempts, now, library, "technical-aptitude", scores=weak, duration=95.5)
    store(
        attempts, now, library, "leadership", scores={c.id: 4 for c in library.competency("leadership").rubric.criteria}
    )
    unscored = attempts.create(now, library.questions(["leadership"])[1], library.competency("leadership"))
    attempts.set_recorded(unscored, 12.0)

    report = build_report(now, attempts.list_for_session(now), attempts.list_scored())
    assert report.answered == 3
    assert report.scored == 2
    assert report.unscored == 1
    assert report.speaking_time_s == 107.5  # spoken answers only, scored or not
    lines = {line.competency_id: line for line in report.skills}
    assert lines["leadership"].history_mean == 3.0
    assert lines["leadership"].session_mean == 4.0
    assert lines["leadership"].change == 1.0
    assert lines["technical-aptitude"].history_mean is None
    assert len(report.focus) == 3
    assert report.focus[0].criterion_name == "Components and data flow"
    assert report.focus[0].next_level == rubric.criteria[1].anchors[2]
    # Every answer is listed, in order, with its score and the attempt its feedback opens from.
    records = attempts.list_for_session(now)
    assert [a.attempt_id for a in report.answers] == [r.id for r in records]
    assert [a.competency_name for a in report.answers] == [r.competency.name for r in records]
    assert report.answers[2].score == "not scored"
    assert report.answers[1].score == "4.0 / 5"
    # Technical aptitude came out lower than leadership: it is what to practise next.
    assert report.practise_next is not None and report.practise_next.competency_id == "technical-aptitude"
    db.close()


def test_common_scale() -> None:
    assert to_common_scale(3, 1, 5) == 3.0
    assert to_common_scale(10, 0, 10) == 5.0
    assert to_common_scale(0, 0, 10) == 1.0


def test_evidence_spans_locate_quotes_and_resolve_overlaps() -> None:
    text = "We shipped on time. Latency dropped by half after the cache."
    criteria = [
        CriterionScore(id="a", score=3, rationale="", evidence=[Evidence(quote="latency dropped by half")]),
        CriterionScore(
            id="b",
            score=3,
            rationale="",
            evidence=[Evidence(quote="by half after", start=None), Evidence(quote="We shipped", start=0, end=10)],
        ),
        CriterionScore(id="c", score=3, rationale="", evidence=[Evidence(quote="not in the answer")]),
    ]
    spans = evidence_spans(text, criteria)
    assert [(text[s.start : s.end], s.criterion) for s in spans] == [
        ("We shipped", 1),
        ("Latency dropped by half", 0),
        (" after", 1),
    ]
