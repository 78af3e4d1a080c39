"""The app killed with SIGKILL in the middle of writing: committed rows stay, files are old or new, never a mix.

Each case runs the real code in a child process that writes in a loop and reports every completed
write on stdout; the test kills it at a different point each time (after N writes, plus a varying
delay so the kill lands at different places inside the next write) and then inspects what is on disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.support.app_data import data_snapshot, populate, write_wav
from tests.support.banks import bank
from tests.support.case_counts import report_cases
from tpm_coach.banks import BankLibrary, encode_bank, load_bank
from tpm_coach.domain import Bank
from tpm_coach.maintenance import create_backup, verify_backup
from tpm_coach.paths import DataPaths

DB_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tpm_coach.domain import DeliveryMetrics, Transcript
    from tpm_coach.storage import AttemptRepository, Database, SessionRepository
    from tests.support.app_data import score
    from tests.support.domain import sample_competency, sample_question
    db = Database.open(Path(sys.argv[1]))
    sessions, attempts = SessionRepository(db), AttemptRepository(db)
    question, competency = sample_question(), sample_competency()
    while True:
        session_id = sessions.create(["default"], title="s" * 400)
        attempt_id = attempts.create(session_id, question, competency, answer_mode="typed")
        attempts.save_transcript(attempt_id, Transcript(text="t" * 3000), DeliveryMetrics(word_count=500))
        attempts.save_score(attempt_id, score())
        print(session_id, attempt_id, flush=True)
    """
)

BANK_SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tpm_coach.banks import BankLibrary
    from tpm_coach.domain import Bank
    from tests.support.banks import bank
    library = BankLibrary(Path(sys.argv[1]), ["default"])
    versions = [Bank.model_validate(bank("acme", n_questions=n)) for n in (3, 150)]
    i = 0
    while True:
        library.save(versions[i % 2])
        print(i % 2, flush=True)
        i += 1
    """
)

BACKUP_OR_RESTORE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tpm_coach.maintenance import create_backup, restore_backup
    from tpm_coach.paths import DataPaths
    action, data, archive = sys.argv[1], DataPaths(Path(sys.argv[2])), Path(sys.argv[3])
    print("start", flush=True)
    if action == "backup":
        create_backup(data, archive)
    else:
        restore_backup(archive, data)
    print("done", flush=True)
    """
)


def start(code: str, *args: object) -> subprocess.Popen[str]:
    # Not measured when the suite runs under coverage: a kill landing while the child saves its coverage data
    # on exit would leave a damaged data file, and a killed child's data is lost anyway.
    env = {name: value for name, value in os.environ.items() if name != "COVERAGE_PROCESS_CONFIG"}
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def kill_after(child: subprocess.Popen[str], lines: int, delay_s: float, *, may_finish: bool = False) -> list[str]:
    """Wait for `lines` completed writes, wait `delay_s` more, SIGKILL; returns every line the child printed.

    With `may_finish`, a child that completed its work before the kill arrived is accepted too.
    """
    assert child.stdout is not None
    assert child.stderr is not None
    seen: list[str] = []
    while len(seen) < lines:
        line = child.stdout.readline()
        if not line:
            child.wait(timeout=30)
            pytest.fail(f"the child stopped before it was killed: {child.stderr.read()}")
        seen.append(line.strip())
    if delay_s:
        time.sleep(delay_s)  # the fault injection itself: where inside the next write the kill lands
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGKILL)
    # Read through the same buffered reader as above: lines it already holds would be lost otherwise.
    rest = child.stdout.read()
    errors = child.stderr.read()
    child.wait(timeout=30)
    child.stdout.close()
    child.stderr.close()
    assert child.returncode == -signal.SIGKILL or (may_finish and child.returncode == 0), errors
    # A line cut off by the kill (no newline yet) is not a complete report, so it is not counted.
    complete = rest.split("\n")[:-1]
    return seen + [line.strip() for line in complete if line.strip()]


DB_KILLS = [(1, 0.0), (3, 0.0005), (10, 0.001), (40, 0.002), (120, 0.0035), (250, 0.005)]


def test_killed_during_database_writes(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    database = tmp_path / "data" / "tpm_coach.sqlite3"
    committed_total = 0
    for lines, delay in DB_KILLS:
        reported = kill_after(start(DB_WRITER, database), lines, delay)
        pairs = [tuple(int(x) for x in line.split()) for line in reported]
        conn = sqlite3.connect(database)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            for session_id, attempt_id in pairs:
                row = conn.execute(
                    "SELECT a.status, COUNT(s.id) FROM attempts a JOIN scores s ON s.attempt_id = a.id "
                    "WHERE a.id = ? AND a.session_id = ?",
                    (attempt_id, session_id),
                ).fetchone()
                assert row == ("scored", 1), f"committed attempt {attempt_id} lost after the kill"
            sessions = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        finally:
            conn.close()
        committed_total += len(pairs)
        # Rows from the write in flight may or may not be there; every reported one is.
        assert committed_total <= sessions <= committed_total + len(DB_KILLS)
    report_cases(pytestconfig, "SIGKILL during database writes", len(DB_KILLS), f"{committed_total} committed")


BANK_KILLS = [(1, 0.0), (2, 0.002), (3, 0.006), (4, 0.011), (5, 0.017), (6, 0.025), (7, 0.033), (8, 0.045)]


def test_killed_during_bank_saves(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    banks = tmp_path / "banks"
    versions = [Bank.model_validate(bank("acme", n_questions=n)) for n in (3, 150)]
    allowed = [encode_bank(v, "acme") for v in versions]
    BankLibrary(banks, ["default"]).save(versions[0])
    outcomes = {"old or new": 0, "temp file left": 0}
    for lines, delay in BANK_KILLS:
        kill_after(start(BANK_SAVER, banks), lines, delay)
        assert (banks / "acme.yaml").read_bytes() in allowed
        assert load_bank(banks / "acme.yaml").id == "acme"
        outcomes["old or new"] += 1
        leftovers = [p for p in banks.iterdir() if p.name.endswith(".tmp")]
        outcomes["temp file left"] += bool(leftovers)
        for leftover in leftovers:
            leftover.unlink()  # so the next case counts its own
    # Kills aimed at the short window while the temporary file exists (between write and rename).
    aimed = 0
    for _ in range(4):
        child = start(BANK_SAVER, banks)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(n.endswith(".tmp") for n in os.listdir(banks)):
            pass
        caught = any(n.endswith(".tmp") for n in os.listdir(banks))
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        aimed += caught
        assert (banks / "acme.yaml").read_bytes() in allowed
        assert BankLibrary(banks, ["default", "acme"]).problems == []  # a stray .tmp file is ignored
        for leftover in [p for p in banks.iterdir() if p.name.endswith(".tmp")]:
            leftover.unlink()
    report_cases(
        pytestconfig,
        "SIGKILL during bank saves",
        len(BANK_KILLS) + 4,
        f"{outcomes['temp file left']} of {len(BANK_KILLS)} timed kills and {aimed} of 4 aimed kills "
        "landed mid-write; the file was old or new every time",
    )


@pytest.fixture
def big_data(tmp_path: Path) -> DataPaths:
    """A data folder with ~12 MB of recordings, so backup and restore take long enough to be interrupted."""
    paths = DataPaths(tmp_path / "data")
    populate(paths, sessions=1)
    for i in range(6):
        write_wav(paths.audio / "long" / f"answer-{i}.wav", 60.0, 200.0 + i)
    return paths


BACKUP_KILLS = [0.0, 0.003, 0.008, 0.015, 0.025, 0.04]


def test_killed_during_backup(big_data: DataPaths, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    before = data_snapshot(big_data)
    complete = 0
    for i, delay in enumerate(BACKUP_KILLS):
        archive = tmp_path / "backups" / f"backup-{i}.zip"
        kill_after(start(BACKUP_OR_RESTORE, "backup", big_data.root, archive), 1, delay, may_finish=True)
        if archive.exists():
            complete += 1
            verify_backup(archive)  # a backup file that exists is a whole, valid one
        assert data_snapshot(big_data) == before
    report_cases(
        pytestconfig, "SIGKILL during backup", len(BACKUP_KILLS), f"{complete} finished first, none left partial"
    )


RESTORE_KILLS = [0.0, 0.005, 0.01, 0.02, 0.04, 0.08]


def test_killed_during_restore(big_data: DataPaths, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    archive = create_backup(big_data, tmp_path / "backup.zip").path
    restored_state = data_snapshot(big_data)
    outcomes = {"old": 0, "new": 0, "renamed aside": 0}
    for delay in RESTORE_KILLS:
        # A different "current" state each round: the backup's data plus one more recording.
        marker = big_data.audio / "after-backup.wav"
        write_wav(marker, 0.1, 330.0)
        current_state = data_snapshot(big_data)
        kill_after(start(BACKUP_OR_RESTORE, "restore", big_data.root, archive), 1, delay, may_finish=True)
        if big_data.root.exists():
            state = data_snapshot(big_data)
            assert state in (current_state, restored_state), "the data folder is a mix of old and new"
            outcomes["old" if state == current_state else "new"] += 1
            for kept in big_data.root.parent.glob(f"{big_data.root.name}.before-restore-*"):
                shutil.rmtree(kept)
        else:
            # Killed between the two renames: the old data is whole in the folder set aside.
            [kept] = list(big_data.root.parent.glob(f"{big_data.root.name}.before-restore-*"))
            assert data_snapshot(DataPaths(kept)) == current_state
            kept.rename(big_data.root)
            outcomes["renamed aside"] += 1
    report_cases(
        pytestconfig,
        "SIGKILL during restore",
        len(RESTORE_KILLS),
        ", ".join(f"{k}: {v}" for k, v in outcomes.items()),
    )
