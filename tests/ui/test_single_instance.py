"""Starting the desktop app a second time on the same data folder hands over to the first and exits:
the real app, run twice as `python -m tpm_coach`, on the offscreen platform."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO_ROOT
from tpm_coach.ui.app import LOG_FILE_NAME

READY = "a second start hands over to it"
RAISED = "brought the window to the front"
WAIT_S = 120.0


def app_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"):
        folder = tmp_path / "xdg" / name.lower()
        folder.mkdir(parents=True, mode=0o700)
        env[name] = str(folder)
    return env


def wait_until(condition: Callable[[], bool], first: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert first.poll() is None, f"the first instance exited ({first.returncode}) before {what}"
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


def test_a_second_start_hands_over_to_the_first_and_exits(tmp_path: Path) -> None:
    env = app_env(tmp_path)
    log = Path(env["TPM_COACH_LOG_DIR"]) / LOG_FILE_NAME

    def logged(text: str) -> Callable[[], bool]:
        return lambda: log.is_file() and text in log.read_text(encoding="utf-8")

    command = [sys.executable, "-m", "tpm_coach"]
    with open(tmp_path / "first.err", "wb") as first_err:
        first = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=first_err)
        try:
            wait_until(logged(READY), first, "the first instance owned the data folder")
            second = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, timeout=WAIT_S, check=False)
            assert second.returncode == 0, second.stderr.decode()
            wait_until(logged(RAISED), first, "the first instance was asked to show its window")
            assert first.poll() is None, "the first instance keeps running"
            assert log.read_text(encoding="utf-8").count(READY) == 1, "the second never took the folder"
        finally:
            first.terminate()
            first.wait(timeout=30)
