"""The bank editor's working copy and problem placement (plain Python, no widgets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpm_coach.banks import DEFAULT_BANK_ID, dump_yaml, load_bank
from tpm_coach.banks.draft import BankDraft
from tpm_coach.banks.forms import COMPETENCY_FORM, CRITERION_FORM, QUESTION_FORM, problems_for
from tpm_coach.banks.library import BankLibrary
from tpm_coach.domain import Bank
from tpm_coach.errors import BankError
from tpm_coach.paths import default_bank_path


@pytest.fixture(scope="module")
def default_bank() -> Bank:
    return load_bank(default_bank_path())


def _draft(default_bank: Bank) -> BankDraft:
    copy = default_bank.model_copy(update={"id": "mine", "name": "Mine"})
    return BankDraft(copy, known_competencies=default_bank.competencies)


def test_problems_are_exactly_what_the_bank_loader_reports(default_bank: Bank, tmp_path: Path) -> None:
    draft = _draft(default_bank)
    draft.set(("questions", 3, "text"), "")
    draft.set(("questions", 5, "time_limit_s"), 5)
    draft.set(("questions", 7, "follow_ups"), ["fine", "x" * 5000])
    draft.set(("competencies", 1, "rubric", "scale"), {"min": 1, "max": 2})

    on_disk = tmp_path / "mine.yaml"
    on_disk.write_text(dump_yaml(draft.data), encoding="utf-8")
    with pytest.raises(BankError) as loaded:
        load_bank(on_disk, default_bank.competencies)
    assert [(p.location, p.message) for p in draft.problems()] == [
        (p.location, p.message) for p in loaded.value.problems
    ]
    assert len(draft.problems()) == 4


def test_cross_field_problems_come_from_consistency_checks(default_bank: Bank) -> None:
    draft = _draft(default_bank)
    draft.set(("questions", 1, "id"), draft.get(("questions", 0, "id")))
    draft.set(("questions", 2, "competency"), "juggling")
    found = {p.location: p.message for p in draft.problems()}
    assert "duplicate question id" in found["questions[1].id"]
    assert "unknown competency 'juggling'" in found["questions[2].competency"]


def test_problems_sit_beside_their_fields(default_bank: Bank) -> None:
    draft = _draft(default_bank)
    draft.set(("questions", 0, "strong_answer"), ["ok", ""])
    draft.set(("competencies", 0, "rubric", "criteria", 1, "anchors"), {"1": "low", "3": "mid", "5": "top", "0": ""})
    draft.set(("competencies", 2, "rubric", "criteria"), draft.get(("competencies", 2, "rubric", "criteria"))[:2])
    problems = draft.problems()

    question = problems_for(problems, "questions[0]", QUESTION_FORM)
    assert question.by_field[("strong_answer",)] == [
        "line 2: a strong-answer point cannot be empty: write it or remove it"
    ]
    criterion = problems_for(problems, "competencies[0].rubric.criteria[1]", CRITERION_FORM)
    assert criterion.by_field[("anchors",)][0].startswith("score 0: ")
    skill = problems_for(problems, "competencies[2]", COMPETENCY_FORM)
    assert skill.general == ["a skill needs at least 3 criteria"]
    assert problems_for(problems, "competencies[1]", COMPETENCY_FORM).count == 0


def test_dirty_revert_and_optional_values(default_bank: Bank) -> None:
    draft = _draft(default_bank)
    assert not draft.dirty
    original = draft.get(("questions", 0, "time_limit_s"))
    assert draft.set(("questions", 0, "time_limit_s"), None)  # "No limit" removes the key
    assert "time_limit_s" not in draft.data["questions"][0]
    assert draft.dirty
    assert not draft.set(("questions", 0, "time_limit_s"), None)
    draft.revert()
    assert draft.get(("questions", 0, "time_limit_s")) == original
    assert not draft.dirty


def test_add_and_remove_records(default_bank: Bank) -> None:
    draft = _draft(default_bank)
    count = len(draft.data["questions"])
    first = draft.add_question("communication")
    second = draft.add_question("communication")
    assert first == ("questions", count)
    assert draft.get((*first, "id")) != draft.get((*second, "id"))
    assert str(draft.get((*first, "id"))).startswith("mine.q-")

    skill = draft.add_competency()
    assert len(draft.get((*skill, "rubric", "criteria"))) == 3
    criterion = draft.add_criterion(skill[1])
    assert criterion == (*skill, "rubric", "criteria", 3)
    for _ in range(4):
        remaining = draft.remove((*skill, "rubric", "criteria", 0))
    assert remaining == skill  # the last criterion gone: its skill is selected
    assert draft.remove(second) == first
    with pytest.raises(ValueError, match="no record"):
        draft.remove(("questions", 999))


def test_a_clean_draft_saves_through_the_library_and_reloads(default_bank: Bank, tmp_path: Path) -> None:
    library = BankLibrary(tmp_path / "banks")
    draft = _draft(default_bank)
    draft.set(("questions", 0, "text"), "  Tell me about a launch you rescued.  ")
    path = library.save(draft.to_bank())
    draft.mark_saved(library.get("mine").bank)

    assert draft.get(("questions", 0, "text")) == "Tell me about a launch you rescued."  # normalised as saved
    assert not draft.dirty
    assert load_bank(path, library.get(DEFAULT_BANK_ID).bank.competencies).questions[0].text.startswith("Tell me")


def test_the_built_in_bank_cannot_be_changed(default_bank: Bank) -> None:
    draft = BankDraft(default_bank, read_only=True)
    with pytest.raises(BankError):
        draft.set(("name",), "Renamed")
    assert draft.get(("name",)) == default_bank.name
