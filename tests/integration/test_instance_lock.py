"""One process owns a data folder: a second is refused with a typed error naming the first, the lock
dies with its process, commands that write refuse while the folder is held, and recovery leaves alone
the answers another running process is still recording or finishing. Every other process here is real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support import REPO_ROOT
from tests.support.app_data import data_snapshot, populate
from tests.support.banks import bank
from tests.support.cli import tpm
from tpm_coach.audio.recovery import recover_interrupted_attempts
from tpm_coach.domain import AttemptStatus
from tpm_coach.errors import DataFolderInUseError
from tpm_coach.maintenance import create_backup
from tpm_coach.paths import DataPaths
from tpm_coach.practice.recovery import unfinished_attempt_ids
from tpm_coach.storage import AttemptRepository, Database
from tpm_coach.storage.instance_lock import lock_data_folder

HOLDER = """
import sys
from pathlib import Path
from tpm_coach.storage.instance_lock import lock_data_folder
lock_data_folder(Path(sys.argv[1]))
print("holding", flush=True)
sys.stdin.read()
"""

# An app in the middle of an answer: a spoken one being recorded, a typed one waiting to be scored.
RECORDER = """
import sys
from pathlib import Path
import numpy as np
from tests.support.domain import sample_competency, sample_question
from tpm_coach.audio.wav import WavAppender
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
paths = DataPaths(Path(sys.argv[1])).ensure()
db = Database.open(paths.database)
attempts = AttemptRepository(db)
session = SessionRepository(db).create(["default"])
wav = paths.audio / "live.wav"
spoken = attempts.create(session, sample_question(), sample_competency(), audio_path=paths.relative(wav))
writer = WavAppender(wav)
writer.append(np.full(16000, 0.1, dtype=np.float32))
writer.sync()
typed = attempts.create(session, sample_question(), sample_competency(), answer_mode="typed")
attempts.save_transcript(typed, Transcript(text="We shipped it."), DeliveryMetrics(word_count=3))
print(spoken, typed, flush=True)
sys.stdin.read()
"""


def start(script: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert child.stdout is not None
    first_line = child.stdout.readline().strip()
    assert first_line, "the other process stopped before it was ready"
    return child, first_line


def finish(child: subprocess.Popen[str], *, crash: bool = False) -> None:
    """Let the other process end (it waits for its standard input to close), or kill it as a crash would."""
    if crash:
        child.send_signal(signal.SIGKILL)
    for stream in (child.stdin, child.stdout):
        if stream is not None and not stream.closed:
            stream.close()
    child.wait(timeout=30)


@pytest.fixture
def data_paths() -> DataPaths:
    return DataPaths(Path(os.environ["TPM_COACH_DATA_DIR"])).ensure()


@pytest.fixture
def holder(data_paths: DataPaths) -> Iterator[subprocess.Popen[str]]:
    child, line = start(HOLDER, str(data_paths.root))
    assert line == "holding"
    yield child
    finish(child)


def test_a_second_process_is_refused_with_the_owner_named(data_paths: DataPaths, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(DataFolderInUseError) as info:
        lock_data_folder(data_paths.root)
    assert info.value.owner_pid == holder.pid
    assert str(holder.pid) in info.value.message
    assert "close the desktop app" in info.value.hint
    finish(holder)
    lock = lock_data_folder(data_paths.root)
    assert lock.held
    lock.release()


def test_a_crashed_owner_leaves_no_stale_lock(data_paths: DataPaths, holder: subprocess.Popen[str]) -> None:
    finish(holder, crash=True)
    assert (data_paths.root / ".tpm_coach.lock").exists()
    lock = lock_data_folder(data_paths.root)
    assert lock_data_folder(data_paths.root) is lock, "asking again in the same process is not a conflict"
    lock.release()


def test_restore_and_bank_changes_are_refused_while_another_process_owns_the_folder(
    tmp_path: Path, data_paths: DataPaths
) -> None:
    populate(data_paths, sessions=1)
    backup = create_backup(data_paths, tmp_path / "backup.zip").path
    source = tmp_path / "team.yaml"
    source.write_text(yaml.safe_dump(bank("team"), sort_keys=False))
    before = data_snapshot(data_paths)
    child, _ = start(HOLDER, str(data_paths.root))
    try:
        for command in (("restore", str(backup)), ("bank", "import", str(source)), ("bank", "delete", "acme")):
            result = tpm(*command)
            assert result.returncode == 2, (command, result.stderr)
            assert f"in use by another TPM Coach (process {child.pid})" in result.stderr, command
            assert "Traceback" not in result.stderr
        assert data_snapshot(data_paths) == before
        assert tpm("bank", "list").returncode == 0, "reading is not refused"
    finally:
        finish(child)
    assert tpm("bank", "import", str(source)).returncode == 0


def test_recovery_leaves_alone_what_a_running_process_records_and_finishes(data_paths: DataPaths) -> None:
    child, line = start(RECORDER, str(data_paths.root))
    spoken, typed = (int(x) for x in line.split())
    wav = data_paths.audio / "live.wav"
    db = Database.open(data_paths.database)
    attempts = AttemptRepository(db)
    try:
        live_bytes = wav.read_bytes()
        assert recover_interrupted_attempts(attempts, data_paths) == []
        assert attempts.get(spoken).status is AttemptStatus.RECORDING
        assert wav.read_bytes() == live_bytes
        assert unfinished_attempt_ids(attempts, data_paths) == []

        finish(child, crash=True)
        assert recover_interrupted_attempts(attempts, data_paths) == [spoken]
        assert attempts.get(spoken).status is AttemptStatus.RECORDED
        assert unfinished_attempt_ids(attempts, data_paths) == [spoken, typed]
    finally:
        finish(child)
        db.close()


def test_a_released_folder_is_left_as_it_was_found(data_paths: DataPaths) -> None:
    before = sorted(p.name for p in data_paths.root.iterdir())
    with lock_data_folder(data_paths.root) as lock:
        assert (data_paths.root / ".tpm_coach.lock").read_text().split()[0] == str(os.getpid())
    assert not lock.held
    assert sorted(p.name for p in data_paths.root.iterdir()) == before


def test_a_folder_swapped_by_a_restore_is_owned_again(data_paths: DataPaths) -> None:
    old = lock_data_folder(data_paths.root)
    aside = data_paths.root.with_name("data.before-restore")
    data_paths.root.rename(aside)
    data_paths.root.mkdir()
    new = lock_data_folder(data_paths.root)
    try:
        assert new is not old and new.guards_folder() and not old.held
        child = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(HOLDER), str(data_paths.root)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            input="",
        )
        assert child.returncode != 0 and "DataFolderInUseError" in child.stderr
    finally:
        new.release()
