"""The `tpm-coach` command line contract other tools rely on, run as a real process."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support import REPO_ROOT
from tests.support.banks import bank
from tests.support.cli import tpm


def test_help_for_every_subcommand() -> None:
    top = tpm("--help")
    assert top.returncode == 0
    for command in ("bank", "history", "doctor"):
        assert command in top.stdout
        assert tpm(command, "--help").returncode == 0
    for action in ("validate", "list", "import", "export", "duplicate", "schema"):
        assert tpm("bank", action, "--help").returncode == 0


def test_validate_exit_codes_and_one_line_per_problem(tmp_path: Path) -> None:
    assert tpm("bank", "validate", str(REPO_ROOT / "assets/question_banks/default.yaml")).returncode == 0
    data = bank()
    data["questions"][0]["competency"] = "nope"
    data["questions"][1]["kind"] = "riddle"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False))
    result = tpm("bank", "validate", str(broken))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{broken}:") for line in lines)
    assert "Traceback" not in result.stderr


def test_export_json_has_competencies_and_questions(tmp_path: Path) -> None:
    out = tmp_path / "bank.json"
    result = tpm("bank", "export", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert len(data["competencies"]) == 6
    assert len(data["questions"]) >= 60
    yaml_text = tpm("bank", "export", "--bank", "default", "--format", "yaml").stdout
    assert yaml.safe_load(yaml_text)["id"] == "default"


def test_import_list_and_unknown_bank(tmp_path: Path) -> None:
    source = tmp_path / "acme.yaml"
    source.write_text(yaml.safe_dump(bank(), sort_keys=False))
    assert tpm("bank", "import", str(source)).returncode == 0
    listed = json.loads(tpm("bank", "list", "--json").stdout)
    acme = next(row for row in listed if row["id"] == "acme")
    assert acme["active"] and not acme["read_only"]
    again = tpm("bank", "import", str(source))
    assert again.returncode == 2 and "already exists" in again.stderr
    missing = tpm("bank", "export", "--bank", "nope", "--format", "json")
    assert missing.returncode == 2 and "no bank with id 'nope'" in missing.stderr


def test_history_is_empty_then_lists_sessions_newest_first() -> None:
    assert json.loads(tpm("history", "--json").stdout) == []
    from tpm_coach.context import AppContext

    ctx = AppContext()
    first = ctx.sessions.create(["default"], title="first")
    second = ctx.sessions.create(["default"], title="second")
    ctx.close()
    rows = json.loads(tpm("history", "--json").stdout)
    assert [r["id"] for r in rows] == [second, first]


def test_doctor_reports_each_area() -> None:
    result = tpm("doctor", "--json")
    names = [c["name"] for c in json.loads(result.stdout)]
    assert names == ["python", "qt", "audio", "transcription", "llm", "data"]


def test_schema_is_generated_from_the_models_and_shipped_in_docs() -> None:
    schema = json.loads(tpm("bank", "schema").stdout)
    assert schema["title"] == "tpm_coach question bank"
    assert "questions" in schema["properties"]
    shipped = json.loads((REPO_ROOT / "docs" / "bank.schema.json").read_text())
    assert shipped == schema, "docs/bank.schema.json is stale: run `tpm-coach bank schema -o docs/bank.schema.json`"
