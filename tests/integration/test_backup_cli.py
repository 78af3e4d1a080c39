"""`tpm-coach backup` and `tpm-coach restore` as a person runs them: clear output, clear refusals, exit codes."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tests.support.app_data import data_snapshot, file_digests, populate
from tests.support.cli import tpm
from tpm_coach.config import load_settings


def test_backup_then_restore_from_the_command_line(tmp_path: Path) -> None:
    data_paths = load_settings().data_paths()
    populate(data_paths)
    before = data_snapshot(data_paths)
    archive = tmp_path / "my backup.zip"

    made = tpm("backup", "-o", str(archive))
    assert made.returncode == 0, made.stderr
    assert f"wrote {archive}" in made.stdout
    assert "4 recordings, 1 bank files" in made.stdout
    assert "the LLM API key" in made.stdout  # says what is not in it

    checked = tpm("restore", "--check", str(archive))
    assert checked.returncode == 0, checked.stderr
    assert "is a sound backup" in checked.stdout
    assert sorted(p.name for p in data_paths.root.parent.iterdir()) == ["data", "logs"]  # no work folder left

    (data_paths.banks / "acme.yaml").unlink()
    restored = tpm("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "your previous data is kept in" in restored.stdout
    assert data_snapshot(data_paths) == before
    [kept] = data_paths.root.parent.glob("data.before-restore-*")
    assert not (kept / "banks" / "acme.yaml").exists()


def test_default_backup_name_is_beside_the_data_folder() -> None:
    populate(load_settings().data_paths(), sessions=1)
    made = tpm("backup")
    assert made.returncode == 0, made.stderr
    [archive] = Path(os.environ["TPM_COACH_DATA_DIR"]).parent.glob("tpm_coach-backup-*.zip")
    assert f"wrote {archive}" in made.stdout


def test_a_refused_restore_is_one_clear_message_and_changes_nothing(tmp_path: Path) -> None:
    data_paths = load_settings().data_paths()
    populate(data_paths, sessions=1)
    before = file_digests(data_paths.root)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("manifest.json", '{"format": "tpm_coach-backup", "format_version": 1}')
        z.writestr("../../escaped.txt", "payload")

    result = tpm("restore", str(evil))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("tpm-coach: ")
    assert "your current data was not changed" in result.stderr
    assert file_digests(data_paths.root) == before
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_restore_of_a_missing_file() -> None:
    result = tpm("restore", "/nonexistent/backup.zip")
    assert result.returncode == 2
    assert "cannot read /nonexistent/backup.zip" in result.stderr
