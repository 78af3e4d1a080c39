"""After a crash: attempts still marked `recording` get their WAV repaired and become `recorded`.

Nothing is deleted. An attempt whose file is missing, empty or unreadable is still marked
recorded (0 s) with the reason, so it shows up in history instead of hiding as "recording".
An attempt another running process created is that process's live recording and is left alone.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tpm_coach.audio.wav import repair_wav
from tpm_coach.domain.attempt import AttemptStatus
from tpm_coach.errors import AudioFileError
from tpm_coach.paths import DataPaths

if TYPE_CHECKING:
    from tpm_coach.storage import AttemptRepository

log = logging.getLogger(__name__)


def recover_interrupted_attempts(attempts: AttemptRepository, data_paths: DataPaths) -> list[int]:
    """Repair every attempt left in `recording`; return the ids that now hold audio to transcribe."""
    recovered: list[int] = []
    live = attempts.owned_elsewhere([AttemptStatus.RECORDING])
    for record in attempts.list_by_status(AttemptStatus.RECORDING):
        if record.id in live:
            log.info("attempt %s is being recorded by another running process; left alone", record.id)
            continue
        if not record.audio_path:
            attempts.set_recorded(record.id, 0.0, reason="interrupted before any audio was saved")
            continue
        try:
            path = data_paths.absolute(record.audio_path)
            duration = repair_wav(path)
        except (AudioFileError, ValueError) as exc:
            log.warning("attempt %s: recording could not be recovered: %s", record.id, exc)
            attempts.set_recorded(record.id, 0.0, reason=f"interrupted; the recording could not be recovered ({exc})")
            continue
        except OSError as exc:
            log.warning("attempt %s: recording could not be repaired: %s", record.id, exc)
            attempts.set_recorded(record.id, 0.0, reason=f"interrupted; the recording could not be read ({exc})")
            continue
        if duration <= 0:
            attempts.set_recorded(record.id, 0.0, reason="interrupted before any audio was saved")
            continue
        attempts.set_recorded(record.id, round(duration, 2), reason="recovered after the app stopped during recording")
        recovered.append(record.id)
    return recovered
