"""After a crash, attempts left in `recording` are repaired from their WAV file, never lost or hidden."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.support.domain import sample_competency, sample_question
from tpm_coach.audio.recovery import recover_interrupted_attempts
from tpm_coach.audio.wav import WavAppender
from tpm_coach.domain.attempt import AttemptStatus
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


@pytest.fixture
def store(tmp_path: Path) -> tuple[DataPaths, AttemptRepository, int]:
    paths = DataPaths(tmp_path / "data").ensure()
    db = Database.open(paths.database)
    session = SessionRepository(db).create(["default"])
    return paths, AttemptRepository(db), session


def crashed_recording(path: Path, seconds_synced: float, seconds_after: float) -> None:
    """A WAV as `kill -9` leaves it: audio after the last header update is on disk, the header does not know."""
    writer = WavAppender(path, sync_interval_s=3600)
    writer.append(np.full(round(16000 * seconds_synced), 0.1, dtype=np.float32))
    writer.sync()
    writer.append(np.full(round(16000 * seconds_after), 0.1, dtype=np.float32))
    assert writer._file is not None
    writer._file.flush()
    shutil.copyfile(path, path.with_suffix(".crash"))
    writer.close()
    path.with_suffix(".crash").replace(path)


def new_attempt(store: tuple[DataPaths, AttemptRepository, int], audio: str | None) -> int:
    _, attempts, session = store
    return attempts.create(session, sample_question(), sample_competency(), audio_path=audio)


def test_an_interrupted_recording_is_repaired_and_ready_to_transcribe(
    store: tuple[DataPaths, AttemptRepository, int],
) -> None:
    paths, attempts, _ = store
    wav = paths.audio / "a1.wav"
    crashed_recording(wav, 2.0, 0.5)
    attempt = new_attempt(store, paths.relative(wav))
    assert recover_interrupted_attempts(attempts, paths) == [attempt]
    record = attempts.get(attempt)
    assert record.status is AttemptStatus.RECORDED
    assert record.duration_s == pytest.approx(2.5)
    assert "recovered" in record.status_reason
    assert wav.exists()


def test_missing_or_empty_files_are_marked_recorded_with_the_reason_and_kept(
    store: tuple[DataPaths, AttemptRepository, int],
) -> None:
    paths, attempts, _ = store
    empty = paths.audio / "empty.wav"
    empty.write_bytes(b"")
    header_only = paths.audio / "header.wav"
    WavAppender(header_only).close()
    missing = new_attempt(store, "audio/gone.wav")
    blank = new_attempt(store, paths.relative(empty))
    silent = new_attempt(store, paths.relative(header_only))
    no_path = new_attempt(store, None)
    assert recover_interrupted_attempts(attempts, paths) == []
    for attempt_id, why in [
        (missing, "missing"),
        (blank, "empty"),
        (silent, "before any audio"),
        (no_path, "before any audio"),
    ]:
        record = attempts.get(attempt_id)
        assert record.status is AttemptStatus.RECORDED
        assert record.duration_s == 0.0
        assert why in record.status_reason
    assert empty.exists()


def test_attempts_past_recording_are_left_alone(store: tuple[DataPaths, AttemptRepository, int]) -> None:
    paths, attempts, _ = store
    wav = paths.audio / "done.wav"
    crashed_recording(wav, 1.0, 0.0)
    attempt = new_attempt(store, paths.relative(wav))
    attempts.set_recorded(attempt, 1.0)
    assert recover_interrupted_attempts(attempts, paths) == []
    assert attempts.get(attempt).status_reason == ""
