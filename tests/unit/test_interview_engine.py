"""The interview run on real storage with the offline scorer: rounds end when their time box is spent, a
follow-up only ever raises what its parent showed, and every answer is stored under its session."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tpm_coach.banks import BankLibrary
from tpm_coach.config import load_settings
from tpm_coach.domain import Competency, CriterionScore, Evidence, ScoreResult
from tpm_coach.interview.engine import InterviewRun
from tpm_coach.interview.follow_up import merge_follow_up, probed_competency
from tpm_coach.interview.formats import InterviewFormat, InterviewLevel, build_interview_plan
from tpm_coach.interview.probes import BankProber
from tpm_coach.interview.wiring import build_interview_services
from tpm_coach.paths import DataPaths
from tpm_coach.practice.turn import TurnKind
from tpm_coach.scoring import OfflineScorer, overall_score
from tpm_coach.storage import AttemptRepository, Database

ANSWER = (
    "First I would ask what the peak volume is and what the latency target is. The trade-off is cost versus "
    "speed, so we give up some speed for cost. If the provider is down we fail over with retries and backoff."
)


@pytest.fixture
def library(tmp_path: Path) -> BankLibrary:
    return BankLibrary(tmp_path / "banks")


def _run(tmp_path: Path, library: BankLibrary, interview_format: InterviewFormat) -> InterviewRun:
    plan = build_interview_plan(library, interview_format, InterviewLevel.SENIOR, rng=random.Random(11))
    competencies = {c.id: c for c in library.competencies()}
    for question in (q for r in plan.rounds for q in r.questions):
        competencies[question.competency] = library.competency_for(question)
    services = build_interview_services(
        load_settings(), DataPaths(tmp_path / "data").ensure(), "offline", scorers=lambda _c: OfflineScorer(),
        prober=BankProber(),
    )  # fmt: skip
    return InterviewRun.start(plan, services, competencies, ["default"])


def test_a_round_whose_time_box_is_spent_moves_on_to_the_next(tmp_path: Path, library: BankLibrary) -> None:
    run = _run(tmp_path, library, InterviewFormat.LOOP)
    assert run.current is not None and run.current.round_index == 0
    long_answer = " ".join([ANSWER] * 200)  # well over 45 minutes at speaking pace

    run.answer_typed(long_answer)

    assert run.current is not None
    assert (run.current.round_index, run.current.kind) == (1, TurnKind.QUESTION)
    assert run.current.question.id == run.plan.rounds[1].questions[0].id


def test_follow_ups_stop_at_two_and_every_answer_is_stored_in_its_session(tmp_path: Path, library: BankLibrary) -> None:
    run = _run(tmp_path, library, InterviewFormat.ONSITE)
    first = run.current
    assert first is not None
    kinds = []
    for _ in range(4):
        outcome = run.answer_typed("We met every week and talked about it with the team until it was done.")
        kinds.append(outcome.kind)
    assert kinds[:3] == ["question", "follow_up", "follow_up"]
    assert kinds[3] == "question"
    probed = [t.probes for t in run.turns if t.kind == "follow_up"]
    assert len(set(probed)) == len(probed)  # no criterion probed twice on one question
    with Database.open(run.services.db_path) as db:
        stored = AttemptRepository(db).list_for_session(run.session_id)
    assert [r.id for r in stored] == [t.attempt_id for t in run.turns]


def _result(values: dict[str, int], competency: Competency) -> ScoreResult:
    criteria = [
        CriterionScore(id=k, score=v, rationale="r", evidence=[Evidence(quote=f"q {k}")]) for k, v in values.items()
    ]
    overall = overall_score(criteria, competency.rubric)
    return ScoreResult(overall=overall, scale_min=1, scale_max=5, criteria=criteria, scorer="offline")


def test_a_follow_up_raises_a_probed_criterion_and_never_lowers_one(library: BankLibrary) -> None:
    competency = library.competency("technical-aptitude")
    ids = [c.id for c in competency.rubric.criteria]
    parent = _result(dict(zip(ids, [5, 2, 3, 4], strict=True)), competency)
    follow_up = _result({ids[1]: 4, ids[2]: 1}, probed_competency(competency, [ids[1], ids[2]]))

    merged = merge_follow_up(parent, follow_up, competency, 1)

    assert [c.score for c in merged.criteria] == [5, 4, 3, 4]
    assert merged.overall == overall_score(merged.criteria, competency.rubric) > parent.overall
    assert [e.quote for e in merged.criteria[1].evidence] == [f"q {ids[1]}", f"q {ids[1]}"]
    weaker = _result({ids[1]: 1}, probed_competency(competency, [ids[1]]))
    assert merge_follow_up(parent, weaker, competency, 1) is parent
