"""A recorder killed with SIGKILL mid-answer: the file on disk holds everything but the last second.

The recorder runs in a child process (tests/support/pulse.py `child_record_main`) recording the
virtual mic while LibriVox speech plays; after the kill, start-up recovery repairs the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support.domain import sample_competency, sample_question
from tests.support.pulse import PulseServer, spawn_recorder
from tests.support.speech import librivox_clips, silence, write_wav
from tpm_coach.audio.loader import load_audio
from tpm_coach.audio.recovery import recover_interrupted_attempts
from tpm_coach.audio.wav import repair_wav
from tpm_coach.domain.attempt import AttemptStatus
from tpm_coach.language.wer import normalize
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
from tpm_coach.transcription.engine import TranscriptionEngine

pytestmark = [pytest.mark.audio, pytest.mark.slow, pytest.mark.usefixtures("need_librivox")]


def test_sigkill_mid_answer_loses_at_most_the_last_second(
    pulse: PulseServer, whisper: TranscriptionEngine, tmp_path: Path
) -> None:
    clips = librivox_clips()
    played = write_wav(
        tmp_path / "played.wav", np.concatenate([np.concatenate([load_audio(c.path), silence(0.5)]) for c in clips])
    )
    paths = DataPaths(tmp_path / "data").ensure()
    wav = paths.audio / "attempt-1.wav"
    db = Database.open(paths.database)
    attempts = AttemptRepository(db)
    attempt = attempts.create(
        SessionRepository(db).create(["default"]),
        sample_question(),
        sample_competency(),
        audio_path=paths.relative(wav),
    )

    child = spawn_recorder(pulse, wav, seconds=120)
    try:
        child.wait_for(lambda e: e["event"] == "started", timeout=20)
        player = pulse.play(played)
        # Kill mid-answer, in the middle of the second clip.
        child.wait_for(lambda e: e["event"] == "progress" and e["written_s"] >= 9.0, timeout=30)
        last = child.last("progress")
        assert last is not None
        child.kill()
        player.kill()
        player.wait()
    finally:
        child.close()

    assert attempts.get(attempt).status is AttemptStatus.RECORDING
    assert recover_interrupted_attempts(attempts, paths) == [attempt]
    record = attempts.get(attempt)
    assert record.status is AttemptStatus.RECORDED
    # The child had written `last["written_s"]` seconds when it last reported; all but ~1 s must be on disk.
    assert record.duration_s is not None
    assert record.duration_s >= last["written_s"] - 1.0
    assert repair_wav(wav) == pytest.approx(record.duration_s, abs=0.01)

    # And what is on disk is the speech that was played: the first clip is fully there.
    heard = normalize(whisper.transcribe(load_audio(wav)).text)
    first = normalize(clips[0].reference)
    assert sum(word in heard for word in first) >= 0.8 * len(first), heard
    db.close()
