"""Answers left unfinished (the app stopped mid-recording, transcription or scoring): find and finish them."""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain import AttemptStatus
from tpm_coach.errors import KnownError
from tpm_coach.paths import DataPaths
from tpm_coach.practice.delivery import measure_delivery
from tpm_coach.practice.ports import PracticeServices
from tpm_coach.storage import AttemptRepository

# Statuses an answer can be finished from; `recording` is first recovered from its WAV by the audio package.
_UNFINISHED = (AttemptStatus.RECORDED, AttemptStatus.TRANSCRIBED)


@dataclass(frozen=True)
class FinishOutcome:
    finished: list[int]
    failed: dict[int, str]  # attempt id -> reason


def unfinished_attempt_ids(attempts: AttemptRepository, data_paths: DataPaths) -> list[int]:
    """Recorded-but-unscored answers that can still be finished: a transcript, or audio to transcribe.

    Answers another running process created are left to it: it may be transcribing or scoring them now.
    """
    found = []
    busy = attempts.owned_elsewhere(_UNFINISHED)
    for status in _UNFINISHED:
        for record in attempts.list_by_status(status):
            if record.id in busy:
                continue
            if record.transcript is not None:
                found.append(record.id)
            elif record.audio_path and (record.duration_s or 0) > 0:
                try:
                    if data_paths.absolute(record.audio_path).is_file():
                        found.append(record.id)
                except ValueError:
                    continue
    return sorted(found)


def finish_attempt(
    attempt_id: int, attempts: AttemptRepository, data_paths: DataPaths, services: PracticeServices
) -> None:
    """Transcribe (if needed) and score one answer; failures are stored on the attempt and raised."""
    record = attempts.get(attempt_id)
    if record.transcript is None:
        if not record.audio_path:
            raise KnownError(f"answer {attempt_id} has neither a transcript nor a recording")
        transcript = services.transcribe_file(data_paths.absolute(record.audio_path))
        attempts.save_transcript(attempt_id, transcript, measure_delivery(services.delivery_metrics, transcript))
    services.score_attempt(attempt_id, "auto")


def finish_attempts(
    ids: list[int], attempts: AttemptRepository, data_paths: DataPaths, services: PracticeServices
) -> FinishOutcome:
    finished: list[int] = []
    failed: dict[int, str] = {}
    for attempt_id in ids:
        try:
            finish_attempt(attempt_id, attempts, data_paths, services)
        except KnownError as exc:
            failed[attempt_id] = str(exc)
        else:
            finished.append(attempt_id)
    return FinishOutcome(finished, failed)
