"""A bank that validates also imports, and one that cannot be imported is refused by validation too:
the saved copy is held to the reader's own limits and gains no defaults its source did not have.
A refused import leaves nothing behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.support.banks import bank, competency, large_bank_yaml, question
from tests.support.cli import tpm
from tpm_coach.banks import BankLibrary, load_bank
from tpm_coach.errors import BankError, StorageError

QUESTIONS = 20_000
COMMAND_S = 300  # reading and writing 20,000 questions


def banks_dir() -> Path:
    return Path(os.environ["TPM_COACH_DATA_DIR"]) / "banks"


def user_files() -> list[str]:
    folder = banks_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def aliased_bank(path: Path) -> Path:
    """Small on disk, but every question points at one long outline: written out in full it is ~6 MB."""
    outline = "Names the customer, the decision, the trade-off and the measured result. " * 50
    questions = "".join(
        f"- id: wide-q{i}\n  competency: customer-obsession\n  text: Question {i}.\n  kind: behavioral\n"
        + ("  strong_answer: &outline\n  - " + outline + "\n" if i == 0 else "  strong_answer: *outline\n")
        for i in range(1700)
    )
    head = yaml.safe_dump({"id": "wide", "name": "Wide", "competencies": [competency()]}, sort_keys=False)
    path.write_text(head + "questions:\n" + questions)
    assert path.stat().st_size < 1_000_000
    return path


@pytest.mark.slow
def test_a_20000_question_bank_imports_and_loads_back(tmp_path: Path) -> None:
    source = tmp_path / "big.yaml"
    source.write_text(large_bank_yaml("big", QUESTIONS))
    library = BankLibrary(banks_dir(), ["default", "big"])
    [imported] = library.import_path(source)
    assert len(imported.questions) == QUESTIONS
    assert library.problems == []
    assert library.get("big").path == banks_dir() / "big.yaml"
    assert library.get("big").bank.questions == imported.questions
    saved = (banks_dir() / "big.yaml").read_text()
    assert "follow_ups" not in saved and "tags" not in saved


@pytest.mark.slow
def test_the_cli_validates_imports_and_lists_a_20000_question_bank(tmp_path: Path) -> None:
    source = tmp_path / "big.yaml"
    source.write_text(large_bank_yaml("big", QUESTIONS))
    validated = tpm("bank", "validate", str(source), timeout=COMMAND_S)
    assert validated.returncode == 0, validated.stderr
    imported = tpm("bank", "import", str(source), timeout=COMMAND_S)
    assert imported.returncode == 0, imported.stderr
    assert f"imported big: {QUESTIONS} questions" in imported.stdout
    listed = tpm("bank", "list", "--json", timeout=COMMAND_S)
    assert listed.returncode == 0
    assert "warning" not in listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["id"] == "big")
    assert (row["questions"], row["active"]) == (QUESTIONS, True)


def test_a_bank_too_big_once_saved_fails_validation_and_import_alike(tmp_path: Path) -> None:
    source = aliased_bank(tmp_path / "wide.yaml")
    validated = tpm("bank", "validate", str(source), timeout=COMMAND_S)
    assert validated.returncode == 2
    assert "once saved" in validated.stderr and "MB" in validated.stderr
    imported = tpm("bank", "import", str(source), timeout=COMMAND_S)
    assert imported.returncode == 2
    assert "imported" not in imported.stdout
    assert "Traceback" not in imported.stderr
    assert user_files() == []
    listed = tpm("bank", "list", timeout=COMMAND_S)
    assert (listed.returncode, listed.stderr) == (0, "")


def test_the_library_refuses_it_before_writing(tmp_path: Path) -> None:
    library = BankLibrary(banks_dir(), ["default"])
    with pytest.raises(BankError) as info:
        library.import_path(aliased_bank(tmp_path / "wide.yaml"))
    assert info.value.problems[0].file == str(tmp_path / "wide.yaml")
    assert user_files() == []
    assert set(library.banks) == {"default"}


def test_a_folder_import_that_fails_part_way_puts_everything_back(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for bank_id in ("aaa", "zzz"):
        (folder / f"{bank_id}.yaml").write_text(yaml.safe_dump(bank(bank_id), sort_keys=False))
    banks_dir().mkdir(parents=True)
    library = BankLibrary(banks_dir(), ["default"])
    existing = bank("aaa")
    existing["name"] = "Before the import"
    (banks_dir() / "aaa.yaml").write_text(yaml.safe_dump(existing, sort_keys=False))
    before = (banks_dir() / "aaa.yaml").read_bytes()
    (banks_dir() / "zzz.yaml").mkdir()  # the second file cannot be written over a folder
    library.reload()
    with pytest.raises(StorageError):
        library.import_path(folder, replace=True)
    assert (banks_dir() / "aaa.yaml").read_bytes() == before
    assert library.get("aaa").bank.name == "Before the import"


def test_saving_writes_no_defaults_the_source_left_out(tmp_path: Path) -> None:
    data = bank("lean")
    data["questions"].append({**question("lean-q9"), "follow_ups": ["And then?"]})
    source = tmp_path / "lean.yaml"
    source.write_text(yaml.safe_dump(data, sort_keys=False))
    BankLibrary(banks_dir(), ["default"]).import_path(source)
    saved = yaml.safe_load((banks_dir() / "lean.yaml").read_text())
    assert saved["questions"] == data["questions"]
    assert load_bank(banks_dir() / "lean.yaml") == load_bank(source)
