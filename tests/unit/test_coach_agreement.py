"""Agreement between coach and app, checked against figures worked out by hand.

Quadratic weighted kappa = 1 - sum(w * observed) / sum(w * expected), w = (i - j)^2 / (k - 1)^2, expected from
the two raters' grade counts. The worked cases are written out next to each test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import tpm
from tests.support.domain import sample_competency, sample_question
from tpm_coach.coach.graded import coach_graded, labelled_set, stored_agreement, write_labelled_set
from tpm_coach.coach.review import save_review
from tpm_coach.config import load_settings
from tpm_coach.domain import (
    CoachGrade,
    CoachReview,
    Competency,
    CriterionScore,
    DeliveryMetrics,
    ScoreResult,
    Transcript,
)
from tpm_coach.scoring.agreement import GradedAnswer, agreement_report
from tpm_coach.scoring.eval import EvalFile, load_eval_file
from tpm_coach.scoring.eval_stats import mean_absolute_difference, quadratic_weighted_kappa
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


def test_kappa_of_identical_grades_is_one() -> None:
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 1, 5) == pytest.approx(1.0)


def test_kappa_of_reversed_grades_is_minus_one() -> None:
    # Scale 1-3, k = 3. Observed (1,3) (2,2) (3,1): sum w*O = 1 + 0 + 1 = 2. Each rater gives each grade once,
    # so E = 1/3 everywhere; sum w = (0+1/4+1) + (1/4+0+1/4) + (1+1/4+0) = 3; sum w*E = 1. kappa = 1 - 2 = -1.
    assert quadratic_weighted_kappa([1, 2, 3], [3, 2, 1], 1, 3) == pytest.approx(-1.0)


def test_kappa_of_a_worked_example() -> None:
    # Scale 1-3. Coach 1,2,3,3; app 1,3,3,2. Observed off-diagonal: (2,3) and (3,2), each w = 1/4: sum w*O = 0.5.
    # Counts for both: {1: 1, 2: 1, 3: 2}; sum over i != j of n_i * n_j * w_ij / 4
    # = (1*1*1/4 * 2 + 1*2*1 * 2 + 1*2*1/4 * 2) / 4 = 5.5 / 4 = 1.375. kappa = 1 - 0.5 / 1.375 = 7/11.
    assert quadratic_weighted_kappa([1, 2, 3, 3], [1, 3, 3, 2], 1, 3) == pytest.approx(7 / 11)
    assert mean_absolute_difference([1, 2, 3, 3], [1, 3, 3, 2]) == pytest.approx(0.5)


def test_kappa_is_undefined_when_neither_side_varies() -> None:
    assert quadratic_weighted_kappa([3, 3], [3, 3], 1, 5) is None
    assert quadratic_weighted_kappa([], [], 1, 5) is None
    with pytest.raises(ValueError, match="outside the scale"):
        quadratic_weighted_kappa([6], [1], 1, 5)


def app_score(competency: Competency, scores: list[int]) -> ScoreResult:
    criteria = [
        CriterionScore(id=c.id, score=s, rationale="r")
        for c, s in zip(competency.rubric.criteria, scores, strict=False)
    ]
    return ScoreResult(overall=3.0, scale_min=1, scale_max=5, criteria=criteria, scorer="offline")


def test_report_per_criterion_skill_and_all_with_counts() -> None:
    competency = sample_competency()
    first, second = competency.rubric.criteria[0].id, competency.rubric.criteria[1].id
    graded = [
        GradedAnswer("a", competency, {first: 1, second: 4}, app_score(competency, [1, 5])),
        GradedAnswer("b", competency, {first: 2}, app_score(competency, [3, 1])),
        GradedAnswer("c", competency, {first: 3, second: 2}, app_score(competency, [3, 2])),
        GradedAnswer("d", competency, {first: 3}, app_score(competency, [2])),
    ]
    report = agreement_report(graded)
    by_key = {row.key: row for row in report.criteria}
    # First criterion: coach 1,2,3,3 against app 1,3,3,2, the worked example above on 1-5 instead of 1-3.
    # w scales by (k-1)^2 in both sums, so kappa is the same 7/11.
    row = by_key[f"{competency.id}/{first}"]
    assert (row.answers, row.grades) == (4, 4)
    assert row.mean_abs_diff == pytest.approx(0.5)
    assert row.kappa == pytest.approx(round(7 / 11, 3))
    # Second criterion: coach 4,2 against app 5,2: |diff| 1 and 0. Counts coach {4,2}, app {5,2}, n = 2, k = 5:
    # sum w*O = (1/16) * 1 = 1/16; sum w*E = (1/2) * (w(4,5) + w(4,2) + w(2,5) + w(2,2)) = (1 + 4 + 9 + 0)/32.
    # kappa = 1 - (1/16) / (14/32) = 1 - 2/14 = 6/7.
    row = by_key[f"{competency.id}/{second}"]
    assert (row.answers, row.grades, row.mean_abs_diff) == (2, 2, 0.5)
    assert row.kappa == pytest.approx(round(6 / 7, 3))
    [skill] = report.skills
    assert (skill.answers, skill.grades) == (4, 6)
    assert skill.mean_abs_diff == pytest.approx(round(3 / 6, 3))
    assert report.overall is not None and report.overall.grades == 6 and report.answers == 4


ANSWER = (
    "When our payments migration slipped by three weeks, I mapped the critical path with the six team leads, "
    "found that the data backfill was the long pole, and moved two engineers from the reporting work onto it. "
    "I told the sponsor the new date range with our confidence level, and we agreed to cut the admin screens "
    "from the first release. We shipped the core flow four days after the revised date, with no incidents, and "
    "I wrote down the estimation lessons for the next quarter's plan."
)


def grade_answers(app: list[list[int]], coach: list[list[int]]) -> list[int]:
    """One typed answer per row, with the app's criterion scores and the coach's grades as given."""
    paths = load_settings().data_paths().ensure()
    question, competency = sample_question(), sample_competency()
    ids = [c.id for c in competency.rubric.criteria]
    with Database.open(paths.database) as db:
        session = SessionRepository(db).create(["default"], "graded")
        attempts = AttemptRepository(db)
        made = []
        for app_scores, coach_grades in zip(app, coach, strict=True):
            attempt = attempts.create(session, question, competency, answer_mode="typed")
            attempts.save_transcript(attempt, Transcript(text=ANSWER), DeliveryMetrics())
            attempts.save_score(attempt, app_score(competency, app_scores))
            grades = [CoachGrade(criterion=c, score=g) for c, g in zip(ids, coach_grades, strict=False)]
            save_review(db, attempt, CoachReview(coach="Kim", grades=grades))
            made.append(attempt)
    return made


def test_stored_agreement_and_the_eval_command() -> None:
    # First criterion: coach 1,2,3,3 against the app's 1,3,3,2 (kappa 7/11 above); second: coach 4,2 against 5,2.
    grade_answers(app=[[1, 5], [3, 1], [3, 2], [2, 4]], coach=[[1, 4], [2], [3, 2], [3]])
    with Database.open(load_settings().data_paths().database) as db:
        report = stored_agreement(coach_graded(db))
    assert report.answers == 4 and report.overall is not None and report.overall.grades == 6

    shown = tpm("eval", "--coach-graded", "--json")
    assert shown.returncode == 0, shown.stderr
    [stored] = json.loads(shown.stdout)["agreement"]
    assert stored["judge"] == "stored" and stored["answers"] == 4
    rows = {row["key"]: row for row in stored["criteria"]}
    first = f"{sample_competency().id}/{sample_competency().rubric.criteria[0].id}"
    assert rows[first]["kappa"] == pytest.approx(round(7 / 11, 3))
    assert rows[first]["mean_abs_diff"] == pytest.approx(0.5)
    assert rows[first]["grades"] == 4

    text = tpm("eval", "--coach-graded")
    assert "Coach and the app's stored scores: 4 answers graded by both" in text.stdout
    assert "0.64" in text.stdout  # 7/11 in the per-criterion table

    rescored = tpm("eval", "--coach-graded", "--scorer", "offline", "--json")
    assert rescored.returncode == 0, rescored.stderr
    [offline] = json.loads(rescored.stdout)["agreement"]
    assert offline["judge"] == "offline" and offline["failed"] == 0
    assert offline["answers"] == 4 and offline["overall"]["grades"] == 6  # the coach's grades set the count


def test_the_labelled_set_is_read_by_the_eval_harness(tmp_path: Path) -> None:
    answers = len(grade_answers(app=[[3, 3, 3]] * 2, coach=[[3, 3, 3]] * 2))
    with Database.open(load_settings().data_paths().database) as db:
        graded = coach_graded(db)
        document = labelled_set(graded)
        output = tmp_path / "coach.yaml"
        assert write_labelled_set(graded, output) == answers
    parsed = load_eval_file(output)
    assert parsed == EvalFile.model_validate(document)
    assert [a.level for a in parsed.answers] == [3, 3]
    assert all(a.grades and set(a.grades.values()) == {3} for a in parsed.answers)

    measured = tpm("eval", "--coach-graded", str(output), "--json")
    assert measured.returncode == 0, measured.stderr
    [offline] = json.loads(measured.stdout)["agreement"]
    assert offline["judge"] == "offline" and offline["answers"] == answers

    exported = tpm("session", "labels", "-o", str(tmp_path / "again.yaml"))
    assert exported.returncode == 0 and f"{answers} coach-graded answers" in exported.stdout
    ordinary = tpm("eval", str(output), "--json", "--min-accuracy", "0")  # the ordinary harness reads it too
    assert ordinary.returncode == 0, ordinary.stderr


def test_the_exemplar_effect_is_measured_on_held_back_answers() -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "coach"
    measured = tpm(
        "eval", "--coach-graded", str(data / "held_back.yaml"), "--exemplars", str(data / "exemplars.yaml"), "--json"
    )
    assert measured.returncode == 0, measured.stderr
    without, with_exemplars = json.loads(measured.stdout)["agreement"]
    assert (without["judge"], with_exemplars["judge"]) == ("offline", "offline + exemplars")
    held_back = load_eval_file(data / "held_back.yaml").answers
    grades = sum(len(a.grades or {}) for a in held_back)
    for report in (without, with_exemplars):
        assert report["answers"] == len(held_back) and report["overall"]["grades"] == grades

    misuse = tpm("eval", "--coach-graded", "--exemplars", str(data / "exemplars.yaml"))
    assert misuse.returncode == 2 and "--exemplars needs" in misuse.stderr
