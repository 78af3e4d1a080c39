"""`tpm-coach doctor --report FILE`: what a maintainer needs, without the user's answers, audio or key."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from tests.support.app_data import FEEDBACK_MARKER, TRANSCRIPT_MARKER, populate
from tests.support.cli import tpm
from tpm_coach.config import load_settings
from tpm_coach.maintenance.report import LEFT_OUT


def read_report(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_report_has_diagnostics_and_counts_but_no_answers_or_audio(tmp_path: Path) -> None:
    data_paths = load_settings().data_paths()
    populated = populate(data_paths)
    assert tpm("backup", "-o", str(tmp_path / "b.zip")).returncode == 0  # leaves a line in the log
    report_path = tmp_path / "report.zip"

    result = tpm("doctor", "--report", str(report_path))

    assert result.returncode in (0, 1), result.stderr
    assert "left out, for your privacy" in result.stderr
    members = read_report(report_path)
    assert set(members) == {"report.txt", "report.json", "log-tail.txt"}
    report = json.loads(members["report.json"])
    assert [c["name"] for c in report["checks"]] == ["python", "qt", "audio", "transcription", "llm", "data"]
    assert report["packages"]["tpm-coach"]
    assert report["packages"]["pydantic"]
    assert report["settings"]["loaded"]["llm"]["provider"] == "offline"
    database = report["database"]
    assert (database["state"], database["quick_check"]) == ("ok", "ok")
    assert database["counts"]["sessions"] == 2
    assert database["counts"]["attempts_by_status"] == {"scored": 4, "scoring_failed": 2}
    assert database["counts"]["transcripts"] == 6
    assert report["data"]["audio_files"] == len(populated.audio_files)
    assert report["data"]["bank_files"] == {"acme.yaml": populated.bank_file.stat().st_size}
    assert len(report["backups"]) == 0  # b.zip is not in the default folder
    assert b"backup written to" in members["log-tail.txt"]
    text = members["report.txt"].decode()
    for item in LEFT_OUT:
        assert item in text

    wav_body = populated.audio_files[0].read_bytes()[44:1044]
    for name, data in members.items():
        assert TRANSCRIPT_MARKER.encode() not in data, name
        assert FEEDBACK_MARKER.encode() not in data, name
        assert b"put the customer first" not in data, name  # the user bank's question text
        assert wav_body not in data, name


def test_a_broken_settings_file_is_reported_with_its_key_redacted(tmp_path: Path) -> None:
    secret = "sk-typed-into-config-0123456789"
    config_file = Path(os.environ["TPM_COACH_CONFIG_DIR"]) / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text(f'[llm]\nprovider = "openai"\napi_key = "{secret}"\n')
    report_path = tmp_path / "report.zip"

    result = tpm("doctor", "--report", str(report_path))

    assert result.returncode == 1
    members = read_report(report_path)
    report = json.loads(members["report.json"])
    assert report["checks"][0]["name"] == "settings"
    assert report["checks"][0]["status"] == "fail"
    assert "api_key" in report["settings"]["error"]
    assert 'provider = "openai"' in report["settings"]["file_text"]
    for data in members.values():
        assert secret.encode() not in data
    assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize("with_report", [False, True])
def test_plain_doctor_still_fails_clearly_on_broken_settings(tmp_path: Path, with_report: bool) -> None:
    config_file = Path(os.environ["TPM_COACH_CONFIG_DIR"]) / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text("[llm\n")
    args = ["doctor", "--report", str(tmp_path / "r.zip")] if with_report else ["doctor"]
    result = tpm(*args)
    assert "Traceback" not in result.stderr
    assert result.returncode == (1 if with_report else 2)
    assert (tmp_path / "r.zip").exists() == with_report


def test_home_folder_is_shown_as_tilde(tmp_path: Path) -> None:
    home = tmp_path / "home" / "alice-private-name"
    env = {
        "HOME": str(home),
        "TPM_COACH_DATA_DIR": str(home / "data"),
        "TPM_COACH_CONFIG_DIR": str(home / "config"),
        "TPM_COACH_LOG_DIR": str(home / "logs"),
    }
    result = tpm("doctor", "--report", str(tmp_path / "report.zip"), env=env)
    assert result.returncode in (0, 1), result.stderr
    members = read_report(tmp_path / "report.zip")
    assert "~/data" in members["report.txt"].decode()
    for data in members.values():
        assert b"alice-private-name" not in data
