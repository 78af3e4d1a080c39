"""`tpm-coach` run as a person runs it: `python -m tpm_coach ...` in a real process of its own.

The process inherits the test's environment, so it works in the data, config and log folders the test
isolated (tests/conftest.py); it refuses to run without them, as it would write to the developer's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.support import REPO_ROOT

ISOLATED_FOLDERS = ("TPM_COACH_DATA_DIR", "TPM_COACH_CONFIG_DIR", "TPM_COACH_LOG_DIR")


def tpm(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the command line with `args`; `env` is laid over this process's environment, `stdin` is its input.

    Nothing is checked here: the exit code, stdout and stderr are the test's to assert.
    """
    merged = {**os.environ, **(env or {})}
    missing = [name for name in ISOLATED_FOLDERS if not merged.get(name)]
    if missing:
        raise RuntimeError(f"tpm-coach would use the real folders: {', '.join(missing)} not set for this test")
    # This checkout comes first, so the code under test runs even when cwd is elsewhere.
    merged["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), merged.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "tpm_coach", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        input=stdin,
        env=merged,
    )
