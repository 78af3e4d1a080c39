"""Graded exemplars in a bank: validated with precise errors, shown to the LLM judge as at most two calibration
examples within a token budget (a new prompt version, the old one still loadable), and used by the offline
scorer as reference answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.banks import bank
from tests.support.cli import tpm
from tests.support.domain import sample_competency, sample_question
from tpm_coach.banks import BankLibrary, load_bank
from tpm_coach.config import load_settings
from tpm_coach.domain import Competency, DeliveryMetrics, Exemplar, Transcript
from tpm_coach.errors import BankError
from tpm_coach.scoring.exemplars import TOKEN_BUDGET, approx_tokens, calibration_exemplars
from tpm_coach.scoring.offline import METHOD_VERSION, OfflineScorer
from tpm_coach.scoring.prompts import EXEMPLAR_TEMPLATE, SCORE_TEMPLATE, build_scoring_prompt, load_template
from tpm_coach.storage import AttemptRepository, Database, SessionRepository

WEAK = (
    "I would get all the teams together and tell them the deadline. Each team would move their own services "
    "when they are ready, and I would keep a spreadsheet of which services are done."
)


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(path)
    return [str(p) for p in info.value.problems]


def test_a_bank_with_exemplars_loads_and_keeps_them(tmp_path: Path) -> None:
    data = bank()
    data["competencies"][0]["exemplars"] = [{"answer": "We asked users.", "grades": {"c1": 3}, "source": "Kim"}]
    data["questions"][0]["exemplars"] = [{"answer": "A full answer.", "grades": {"c2": 5, "c3": 4}, "note": "Good"}]
    loaded = load_bank(write(tmp_path, data))
    assert loaded.competencies[0].exemplars[0].source == "Kim"
    assert loaded.questions[0].exemplars[0].grades == {"c2": 5, "c3": 4}
    assert "exemplars" not in loaded.questions[1].model_dump_json()  # snapshots without exemplars are unchanged


def test_an_exemplar_grading_an_unknown_criterion_is_refused_with_its_place(tmp_path: Path) -> None:
    data = bank()
    data["competencies"][0]["exemplars"] = [{"answer": "An answer.", "grades": {"c9": 3}}]
    [message] = problems(write(tmp_path, data))
    assert "competencies[0]" in message
    assert "exemplar 1 grades c9, not in the rubric (its criteria: c1, c2, c3)" in message


def test_an_exemplar_grade_off_the_scale_is_refused(tmp_path: Path) -> None:
    data = bank()
    data["questions"][1]["exemplars"] = [{"answer": "An answer.", "grades": {"c1": 9}}]
    [message] = problems(write(tmp_path, data))
    assert "question 'acme-q2': exemplar 1 has grades off the scale 1-5: c1=9" in message


def test_an_exemplar_needs_an_answer_and_grades(tmp_path: Path) -> None:
    data = bank()
    data["questions"][0]["exemplars"] = [{"answer": "", "grades": {}}]
    found = problems(write(tmp_path, data))
    assert any("questions[0].exemplars[0].answer" in p for p in found)
    assert any("questions[0].exemplars[0].grades" in p for p in found)


def exemplar(answer: str, grade: int, competency: Competency | None = None) -> Exemplar:
    criteria = (competency or sample_competency()).rubric.criteria
    return Exemplar(answer=answer, grades={c.id: grade for c in criteria}, note="n")


def test_the_prompt_includes_up_to_two_exemplars_in_a_new_version() -> None:
    question, competency = sample_question(), sample_competency()
    plain = build_scoring_prompt(question, competency, "We shipped it.")
    assert plain.version.startswith(f"{SCORE_TEMPLATE}@")  # banks without exemplars keep their prompt
    with_three = question.model_copy(
        update={
            "exemplars": [exemplar("First sample answer.", 4), exemplar("Second sample.", 2), exemplar("Third.", 3)]
        }
    )
    prompt = build_scoring_prompt(with_three, competency, "We shipped it.")
    assert prompt.version.startswith(f"{EXEMPLAR_TEMPLATE}@")
    text = prompt.messages[-1]["content"]
    assert "First sample answer." in text and "Second sample." in text and "Third." not in text
    assert f"`{competency.rubric.criteria[0].id}` ({competency.rubric.criteria[0].name}) 4" in text
    assert load_template(SCORE_TEMPLATE).version != load_template(EXEMPLAR_TEMPLATE).version


def test_an_exemplar_over_the_token_budget_is_passed_over() -> None:
    question, competency = sample_question(), sample_competency()
    long_answer = "We planned the waves carefully. " * 100
    assert approx_tokens(long_answer) > TOKEN_BUDGET
    update = {"exemplars": [exemplar(long_answer, 5), exemplar("A short graded answer.", 3)]}
    chosen = calibration_exemplars(question.model_copy(update=update), competency)
    assert [e.answer for e in chosen] == ["A short graded answer."]


def test_the_offline_scorer_moves_towards_a_matching_reference_answer() -> None:
    question = sample_question("plan-001")
    competency = sample_competency(question.competency)
    plain = OfflineScorer().score(question, competency, WEAK)
    top = competency.rubric.scale.max
    referenced = question.model_copy(update={"exemplars": [exemplar(WEAK, top, competency)]})
    calibrated = OfflineScorer().score(referenced, competency, WEAK)
    before = [c.score for c in plain.criteria]
    after = [c.score for c in calibrated.criteria]
    assert all(b <= a <= top for b, a in zip(before, after, strict=True))
    assert after != before
    assert plain.prompt_version == METHOD_VERSION
    assert calibrated.prompt_version == f"{METHOD_VERSION}+exemplars"
    assert any("graded sample answer" in note for note in calibrated.notes)
    unrelated = question.model_copy(
        update={"exemplars": [exemplar("Bananas are yellow and ripe in May.", top, competency)]}
    )
    assert [c.score for c in OfflineScorer().score(unrelated, competency, WEAK).criteria] == before


def test_a_reviewed_answer_becomes_an_exemplar_in_a_user_bank() -> None:
    paths = load_settings().data_paths().ensure()
    question = sample_question("plan-001")
    competency = sample_competency(question.competency)
    answer_text = "We agreed the scope first. " + WEAK
    with Database.open(paths.database) as db:
        session = SessionRepository(db).create(["default"], "to share")
        attempts = AttemptRepository(db)
        answer = attempts.create(session, question, competency, answer_mode="typed")
        attempts.save_transcript(answer, Transcript(text=answer_text), DeliveryMetrics())
    no_review = tpm("session", "exemplar", str(answer), "--bank", "mine")
    assert no_review.returncode == 2 and "has no coach review" in no_review.stderr
    first = competency.rubric.criteria[0].id
    assert (
        tpm("session", "grade", str(answer), "--coach", "Kim", "--score", f"{first}=2", "--note", "Thin.").returncode
        == 0
    )
    read_only = tpm("session", "exemplar", str(answer), "--bank", "default")
    assert read_only.returncode == 2 and "read-only" in read_only.stderr
    assert tpm("bank", "duplicate", "default", "--id", "mine").returncode == 0

    added = tpm("session", "exemplar", str(answer), "--bank", "mine")
    assert added.returncode == 0, added.stderr
    assert tpm("session", "exemplar", str(answer), "--bank", "mine", "--competency").returncode == 0

    library = BankLibrary(paths.banks, ["mine"])
    mine = library.get("mine").bank
    [on_question] = next(q for q in mine.questions if q.id == f"mine.{question.id}").exemplars
    assert (on_question.answer, on_question.grades, on_question.note) == (answer_text, {first: 2}, "Thin.")
    assert on_question.source == f"Kim, review of answer {answer}"
    assert mine.competency(competency.id).exemplars == [on_question]  # type: ignore[union-attr]
