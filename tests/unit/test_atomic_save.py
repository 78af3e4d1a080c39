"""A crash in the middle of saving a bank leaves the old file, whole and loadable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT
from tests.support.banks import bank
from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.banks import load_bank


def test_atomic_write_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_process_killed_mid_save_leaves_the_old_bank(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(bank(n_questions=2), sort_keys=False))
    before = path.read_bytes()
    # The child writes half of a much larger bank, then is killed with SIGKILL before the rename.
    child = textwrap.dedent(
        f"""
        import os, signal, yaml
        from pathlib import Path
        from tpm_coach.banks import load_bank, save_bank
        from tpm_coach import atomic
        real_fsync = os.fsync
        def crash(fd):
            os.kill(os.getpid(), signal.SIGKILL)
        atomic.os.fsync = crash
        from tests.support.banks import bank
        from tpm_coach.domain import Bank
        save_bank(Bank.model_validate(bank(n_questions=40)), Path({str(path)!r}))
        """
    )
    result = subprocess.run([sys.executable, "-c", child], cwd=REPO_ROOT, check=False, timeout=60)
    assert result.returncode == -9
    assert path.read_bytes() == before
    assert len(load_bank(path).questions) == 2
