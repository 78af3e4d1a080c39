"""Choosing a session's questions from the real default bank, with filters and weakest-skill focus."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.support.domain import sample_competency
from tests.support.practice_fakes import STRONG_ANSWER, simple_metrics
from tpm_coach.banks import BankLibrary
from tpm_coach.domain import AttemptRecord, Level, QuestionKind
from tpm_coach.errors import KnownError
from tpm_coach.practice import SessionOptions, build_plan, weakest_skill
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


@pytest.fixture
def library(tmp_path: Path) -> BankLibrary:
    return BankLibrary(tmp_path / "banks")


def scored_history(tmp_path: Path, library: BankLibrary, per_skill: dict[str, int]) -> list[AttemptRecord]:
    """Real scored attempts: `per_skill` maps a competency to the criterion score every answer got."""
    from tpm_coach.domain import CriterionScore, ScoreResult, Transcript
    from tpm_coach.scoring import overall_score

    db = Database.open(tmp_path / "history.sqlite3")
    attempts, sessions = AttemptRepository(db), SessionRepository(db)
    session = sessions.create(["default"])
    for competency_id, value in per_skill.items():
        competency = library.competency(competency_id)
        question = library.questions([competency_id])[0]
        attempt = attempts.create(session, question, competency, answer_mode="typed")
        transcript = Transcript(text=STRONG_ANSWER)
        attempts.save_transcript(attempt, transcript, simple_metrics(transcript))
        criteria = [CriterionScore(id=c.id, score=value, rationale="r") for c in competency.rubric.criteria]
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
    history = attempts.list_scored()
    db.close()
    return history


def test_filters_narrow_the_questions(library: BankLibrary) -> None:
    options = SessionOptions(competencies=("leadership",), kinds=(QuestionKind.BEHAVIORAL,), count=20)
    plan = build_plan(library, options, rng=random.Random(1))
    assert plan.questions
    assert {q.competency for q in plan.questions} == {"leadership"}
    assert {q.kind for q in plan.questions} == {QuestionKind.BEHAVIORAL}


def test_level_and_count(library: BankLibrary) -> None:
    plan = build_plan(library, SessionOptions(levels=(Level.SENIOR,), count=4), rng=random.Random(2))
    assert len(plan) == 4
    assert {q.level for q in plan.questions} == {Level.SENIOR}
    assert len({q.id for q in plan.questions}) == 4


def test_a_short_supply_is_said(library: BankLibrary) -> None:
    pool = library.questions(["leadership"], None, [Level.STAFF])
    assert 0 < len(pool) < 20
    few = build_plan(library, SessionOptions(competencies=("leadership",), levels=(Level.STAFF,), count=20))
    assert len(few) == len(pool)
    assert f"Only {len(pool)} questions match" in few.note


def test_nothing_matching_is_an_error_saying_what_to_widen(library: BankLibrary) -> None:
    with pytest.raises(KnownError, match="no questions match") as caught:
        build_plan(library, SessionOptions(competencies=("no-such-skill",)))
    assert "choose more skills" in caught.value.hint


def test_count_is_bounded(library: BankLibrary) -> None:
    with pytest.raises(KnownError):
        build_plan(library, SessionOptions(count=0))


def test_bank_filter_uses_only_the_chosen_bank(tmp_path: Path) -> None:
    import yaml

    from tests.support.banks import bank

    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    (banks_dir / "acme.yaml").write_text(yaml.safe_dump(bank("acme", n_questions=3)), encoding="utf-8")
    library = BankLibrary(banks_dir, ["default", "acme"])
    plan = build_plan(library, SessionOptions(bank_ids=("acme",), count=5))
    assert {q.id for q in plan.questions} == {"acme-q1", "acme-q2", "acme-q3"}


def test_weakest_skill_is_the_lowest_mean(tmp_path: Path, library: BankLibrary) -> None:
    history = scored_history(tmp_path, library, {"leadership": 4, "risk-management": 2, "communication": 3})
    choice = weakest_skill(history)
    assert choice is not None
    assert choice.competency_id == "risk-management"
    assert "2.0/5" in choice.reason
    plan = build_plan(library, SessionOptions(focus_weakest=True, count=3), history, random.Random(3))
    assert plan.focus_competency == "risk-management"
    assert {q.competency for q in plan.questions} == {"risk-management"}
    assert "Focusing on" in plan.note


def test_weakest_focus_without_history_covers_everything(library: BankLibrary) -> None:
    plan = build_plan(library, SessionOptions(focus_weakest=True, count=10), [], random.Random(4))
    assert plan.focus_competency is None
    assert "No scored answers yet" in plan.note
    assert len({q.competency for q in plan.questions}) > 1


def test_questions_never_answered_come_first(tmp_path: Path, library: BankLibrary) -> None:
    history = scored_history(tmp_path, library, {"leadership": 3})
    answered = history[0].question.id
    pool = library.questions(["leadership"])
    plan = build_plan(
        library, SessionOptions(competencies=("leadership",), count=len(pool) - 1), history, random.Random(5)
    )
    assert answered not in {q.id for q in plan.questions}
    assert sample_competency("leadership").id == "leadership"
