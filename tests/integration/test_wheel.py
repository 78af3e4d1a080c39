"""A real wheel carries prompts/ and assets/, and the app finds them from the installed package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO_ROOT


def test_wheel_ships_prompts_and_assets_and_finds_them(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), "."],
        cwd=REPO_ROOT,
        check=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("tpm_coach-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert "tpm_coach/_data/assets/question_banks/default.yaml" in names
    assert any(n.startswith("tpm_coach/_data/prompts/") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    probe = (
        "from tpm_coach import paths; from tpm_coach.banks import load_bank;"
        "print(paths.prompts_dir()); print(len(load_bank(paths.default_bank_path()).questions))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    prompts, count = result.stdout.split()
    assert Path(prompts) == tmp_path / "site" / "tpm_coach" / "_data" / "prompts"
    assert int(count) >= 60
