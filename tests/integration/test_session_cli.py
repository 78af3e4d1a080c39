"""`tpm-coach session` as a candidate and a coach run it: export, import, grade, show; a refusal exits 2."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from tests.support.app_data import TRANSCRIPT_MARKER, data_snapshot, populate
from tests.support.cli import tpm
from tpm_coach.config import load_settings
from tpm_coach.paths import DataPaths


def test_export_import_grade_from_the_command_line(tmp_path: Path) -> None:
    data_paths = load_settings().data_paths()  # the coach's
    candidate = {"TPM_COACH_DATA_DIR": str(tmp_path / "candidate")}
    populate(DataPaths(tmp_path / "candidate"), sessions=1)
    package = tmp_path / "for coach.tpmsession"

    made = tpm("session", "export", "1", "--no-audio", "--by", "Casey", "-o", str(package), env=candidate)
    assert made.returncode == 0, made.stderr
    assert "3 answers, 0 recordings, from Casey" in made.stdout
    with zipfile.ZipFile(package) as archive:
        assert not [n for n in archive.namelist() if n.startswith("audio/")]

    imported = tpm("session", "import", str(package), "--json")
    assert imported.returncode == 0, imported.stderr
    result = json.loads(imported.stdout)
    assert result["sender"] == "Casey"
    answer = result["answer_ids"][0]

    first = _first_criterion(data_paths.database, answer)
    graded = tpm(
        "session", "grade", str(answer), "--coach", "Kim", "--score", f"{first}=4",
        "--comment", TRANSCRIPT_MARKER, "name the metric", "--note", "good start",
    )  # fmt: skip
    assert graded.returncode == 0, graded.stderr
    assert "1 grades, 1 comments" in graded.stdout
    after = json.loads(tpm("session", "show", str(result["session_id"]), "--json").stdout)
    assert after["origin"] == {"sender": "Casey", "in_progress": False}
    assert after["answers"][0]["coach_criteria"] == {first: 4}
    assert after["answers"][0]["app_criteria"] == {"c1": 4, "c2": 3}  # the app's scores beside the coach's

    off_scale = tpm("session", "grade", str(answer), "--coach", "Kim", "--score", f"{first}=99")
    assert off_scale.returncode == 2
    assert "outside the scale" in off_scale.stderr

    reviewed = tmp_path / "reviewed.tpmsession"
    assert tpm("session", "export", str(result["session_id"]), "--by", "Kim", "-o", str(reviewed)).returncode == 0
    back = tpm("session", "import", str(reviewed), env=candidate)
    assert back.returncode == 0, back.stderr
    assert "added 1 review(s) by Kim to your session #1" in back.stdout
    shown = json.loads(tpm("session", "show", "1", "--json", env=candidate).stdout)
    assert shown["origin"] is None and shown["answers"][0]["coach_criteria"] == {first: 4}


def _first_criterion(database: Path, answer: int) -> str:
    conn = sqlite3.connect(database)
    try:
        row = conn.execute("SELECT competency_json FROM attempts WHERE id = ?", (answer,)).fetchone()
    finally:
        conn.close()
    return str(json.loads(row[0])["rubric"]["criteria"][0]["id"])


def test_a_refused_package_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    data_paths = load_settings().data_paths()
    populate(data_paths, sessions=1)
    package = tmp_path / "p.tpmsession"
    assert tpm("session", "export", "1", "-o", str(package)).returncode == 0
    tampered = tmp_path / "tampered.tpmsession"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("audio/"):
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            target.writestr(info, data)
    before = data_snapshot(data_paths)

    refused = tpm("session", "import", str(tampered))

    assert refused.returncode == 2
    assert "checksum does not match" in refused.stderr
    assert "not changed" in refused.stderr
    assert data_snapshot(data_paths) == before
