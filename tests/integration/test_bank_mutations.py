"""`tpm-coach bank validate` on mutated copies of the built-in bank, run as a real process: exit 2 and one
located line per problem, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.support.bank_mutations import mutated_text, mutations
from tests.support.cli import tpm


def test_the_command_line_reports_mutations_without_a_traceback(tmp_path: Path) -> None:
    """`tpm-coach bank validate` on a sample of the mutated files: exit 2, one located line per problem."""
    sample = mutations()[::6]
    files = []
    for n, mutation in enumerate(sample):
        path = tmp_path / f"mutated-{n:03d}.yaml"
        path.write_text(mutated_text(mutation), encoding="utf-8")
        files.append(path)
    result = tpm("bank", "validate", str(tmp_path), timeout=300)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith(str(tmp_path)) for line in lines), lines[:5]
    assert {str(f) for f in files} == {line.split(":")[0] for line in lines}
