"""The user's banks: import, duplicate, several active at once, and one broken file not stopping the others."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from tests.support.banks import bank
from tpm_coach.banks import BankLibrary, load_bank
from tpm_coach.errors import BankError, KnownError


def library(tmp_path: Path, active: tuple[str, ...] = ("default",)) -> BankLibrary:
    return BankLibrary(tmp_path / "banks", active)


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_import_then_activate_alongside_the_default(tmp_path: Path) -> None:
    lib = library(tmp_path, ("default", "acme"))
    [imported] = lib.import_path(write(tmp_path / "in" / "acme.yaml", bank()))
    assert imported.id == "acme"
    assert (tmp_path / "banks" / "acme.yaml").exists()
    ids = {q.id for q in lib.questions()}
    assert {"acme-q1", "acme-q2"} <= ids and "tech-001" in ids
    assert lib.competency_for(lib.question("acme-q1")).id == "customer-obsession"


def test_a_broken_user_bank_is_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    write(tmp_path / "banks" / "good.yaml", bank("good"))
    (tmp_path / "banks" / "broken.yaml").write_text("id: broken\nname: [oops\n")
    lib = library(tmp_path, ("default", "good"))
    assert "good" in lib.banks
    assert [p.file for p in lib.problems] == [str(tmp_path / "banks" / "broken.yaml")]
    assert len(lib.questions()) > 60


def test_question_ids_must_be_unique_across_active_banks(tmp_path: Path) -> None:
    data = bank("clash")
    data["questions"][0]["id"] = "tech-001"
    write(tmp_path / "banks" / "clash.yaml", data)
    lib = library(tmp_path, ("default", "clash"))
    assert any("tech-001" in p.message for p in lib.problems)
    assert [q.id for q in lib.questions()].count("tech-001") == 1


def test_import_of_a_folder_writes_nothing_if_any_file_is_invalid(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.yaml", bank("a"))
    broken = bank("b")
    broken["questions"][0]["kind"] = "riddle"
    write(tmp_path / "in" / "b.yaml", broken)
    lib = library(tmp_path)
    with pytest.raises(BankError) as info:
        lib.import_path(tmp_path / "in")
    assert "questions[0].kind" in str(info.value.problems[0])
    assert not (tmp_path / "banks").exists() or not list((tmp_path / "banks").iterdir())


def test_the_default_bank_is_read_only_but_can_be_duplicated(tmp_path: Path) -> None:
    lib = library(tmp_path)
    with pytest.raises(KnownError):
        lib.save(lib.get("default").bank)
    copy = lib.duplicate("default", "mine")
    assert len(copy.questions) == len(lib.get("default").bank.questions)
    assert all(q.id.startswith("mine.") for q in copy.questions)
    reloaded = load_bank(tmp_path / "banks" / "mine.yaml")
    assert reloaded == copy
    with pytest.raises(KnownError):
        lib.duplicate("default", "mine")
    with pytest.raises(KnownError):
        lib.delete("default")
    lib.delete("mine")
    assert "mine" not in lib.banks


def test_an_edited_rubric_in_a_copy_applies_to_its_own_questions(tmp_path: Path) -> None:
    lib = library(tmp_path, ("default", "mine"))
    copy = lib.duplicate("default", "mine")
    competency = copy.competencies[0]
    renamed = competency.model_copy(update={"name": "Tech depth (our loop)"})
    lib.save(copy.model_copy(update={"competencies": [renamed, *copy.competencies[1:]]}))
    own_question = next(q for q in lib.questions() if q.id.startswith("mine.") and q.competency == competency.id)
    default_question = next(q for q in lib.questions() if q.competency == competency.id and "." not in q.id)
    assert lib.competency_for(own_question).name == "Tech depth (our loop)"
    assert lib.competency_for(default_question).name != "Tech depth (our loop)"


def test_leftovers_of_an_interrupted_save_are_swept_once_stale(tmp_path: Path) -> None:
    write(tmp_path / "banks" / "acme.yaml", bank())
    stale = tmp_path / "banks" / ".acme.yaml.abc123.tmp"
    fresh = tmp_path / "banks" / ".acme.yaml.def456.tmp"
    stale.write_text("half a bank")
    fresh.write_text("a save in progress")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    lib = library(tmp_path, ("default", "acme"))
    assert not stale.exists()
    assert fresh.exists()
    assert "acme" in lib.banks
