"""A bank that validates also imports, and one that cannot be imported is refused by validation too:
the saved copy is held to the reader's own limits and gains no defaults its source did not have.
A refused import leaves nothing behind. The command line's part is in tests/integration/."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.banks import aliased_bank, bank, large_bank_yaml, question, user_bank_files, user_banks_dir
from tpm_coach.banks import BankLibrary, load_bank
from tpm_coach.errors import BankError, StorageError

QUESTIONS = 20_000


@pytest.mark.slow
def test_a_20000_question_bank_imports_and_loads_back(tmp_path: Path) -> None:
    source = tmp_path / "big.yaml"
    source.write_text(large_bank_yaml("big", QUESTIONS))
    library = BankLibrary(user_banks_dir(), ["default", "big"])
    [imported] = library.import_path(source)
    assert len(imported.questions) == QUESTIONS
    assert library.problems == []
    assert library.get("big").path == user_banks_dir() / "big.yaml"
    assert library.get("big").bank.questions == imported.questions
    saved = (user_banks_dir() / "big.yaml").read_text()
    assert "follow_ups" not in saved and "tags" not in saved


def test_the_library_refuses_it_before_writing(tmp_path: Path) -> None:
    library = BankLibrary(user_banks_dir(), ["default"])
    with pytest.raises(BankError) as info:
        library.import_path(aliased_bank(tmp_path / "wide.yaml"))
    assert info.value.problems[0].file == str(tmp_path / "wide.yaml")
    assert user_bank_files() == []
    assert set(library.banks) == {"default"}


def test_a_folder_import_that_fails_part_way_puts_everything_back(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for bank_id in ("aaa", "zzz"):
        (folder / f"{bank_id}.yaml").write_text(yaml.safe_dump(bank(bank_id), sort_keys=False))
    user_banks_dir().mkdir(parents=True)
    library = BankLibrary(user_banks_dir(), ["default"])
    existing = bank("aaa")
    existing["name"] = "Before the import"
    (user_banks_dir() / "aaa.yaml").write_text(yaml.safe_dump(existing, sort_keys=False))
    before = (user_banks_dir() / "aaa.yaml").read_bytes()
    (user_banks_dir() / "zzz.yaml").mkdir()  # the second file cannot be written over a folder
    library.reload()
    with pytest.raises(StorageError):
        library.import_path(folder, replace=True)
    assert (user_banks_dir() / "aaa.yaml").read_bytes() == before
    assert library.get("aaa").bank.name == "Before the import"


def test_saving_writes_no_defaults_the_source_left_out(tmp_path: Path) -> None:
    data = bank("lean")
    data["questions"].append({**question("lean-q9"), "follow_ups": ["And then?"]})
    source = tmp_path / "lean.yaml"
    source.write_text(yaml.safe_dump(data, sort_keys=False))
    BankLibrary(user_banks_dir(), ["default"]).import_path(source)
    saved = yaml.safe_load((user_banks_dir() / "lean.yaml").read_text())
    assert saved["questions"] == data["questions"]
    assert load_bank(user_banks_dir() / "lean.yaml") == load_bank(source)
