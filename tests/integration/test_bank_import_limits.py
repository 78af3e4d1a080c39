"""`tpm-coach bank validate` and `bank import` hold a bank to the same limits, run as real processes:
a 20,000-question bank passes both, one too big once saved fails both and leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.banks import aliased_bank, large_bank_yaml, user_bank_files
from tests.support.cli import tpm

QUESTIONS = 20_000
COMMAND_S = 300  # reading and writing 20,000 questions


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
    assert user_bank_files() == []
    listed = tpm("bank", "list", timeout=COMMAND_S)
    assert (listed.returncode, listed.stderr) == (0, "")
