"""Where a practice answer is kept: its attempt row, the name of its WAV file, its transcript, reading it back.

Every method opens its own connection and closes it, so any worker thread may call it; the GUI thread's
connection is never shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.errors import StorageError
from tpm_coach.paths import DataPaths
from tpm_coach.practice.turn import Turn
from tpm_coach.storage import AttemptRecord, AttemptRepository, Database


@contextmanager
def attempts_for_worker(db_path: Path) -> Iterator[AttemptRepository]:
    """An AttemptRepository on a connection of the calling (worker) thread, closed afterwards."""
    with Database.open(db_path) as db:
        yield AttemptRepository(db)


@dataclass(frozen=True)
class OpenedAnswer:
    """A spoken answer about to be recorded: its row exists, its WAV file does not yet."""

    attempt_id: int
    wav_path: Path  # absolute


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as stored, with the session's answers to the same question (itself included), oldest first."""

    record: AttemptRecord
    comparable: tuple[AttemptRecord, ...]


class AnswerStore:
    def __init__(self, data_paths: DataPaths) -> None:
        self.data_paths = data_paths

    def _attempts(self) -> AbstractContextManager[AttemptRepository]:
        return attempts_for_worker(self.data_paths.database)

    def open_spoken(self, session_id: int, turn: Turn) -> OpenedAnswer:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        wav_path = self.data_paths.audio / f"session-{session_id}" / f"{stamp}.wav"
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        # The row exists (status recording, audio path set) before any audio does, so a crash is recoverable.
        with self._attempts() as attempts:
            attempt_id = attempts.create(
                session_id,
                turn.question,
                turn.competency,
                answer_mode="spoken",
                audio_path=self.data_paths.relative(wav_path),
                parent_attempt_id=turn.parent_attempt_id,
            )
        return OpenedAnswer(attempt_id, wav_path)

    def open_typed(self, session_id: int, turn: Turn) -> int:
        with self._attempts() as attempts:
            return attempts.create(
                session_id,
                turn.question,
                turn.competency,
                answer_mode="typed",
                parent_attempt_id=turn.parent_attempt_id,
            )

    def set_recorded(self, attempt_id: int, duration_s: float, reason: str = "") -> None:
        with self._attempts() as attempts:
            attempts.set_recorded(attempt_id, duration_s, reason=reason)

    def save_transcript(self, attempt_id: int, transcript: Transcript, metrics: DeliveryMetrics) -> None:
        with self._attempts() as attempts:
            attempts.save_transcript(attempt_id, transcript, metrics)

    def read(self, session_id: int, attempt_id: int) -> StoredAnswer:
        """The answer and its retries in one read of the session (a session holds a few dozen answers at most)."""
        records = self.session_attempts(session_id)
        found = [r for r in records if r.id == attempt_id]
        if not found:
            raise StorageError(f"attempt {attempt_id} does not exist in session {session_id}")
        question_id = found[0].question.id
        return StoredAnswer(found[0], tuple(r for r in records if r.question.id == question_id))

    def session_attempts(self, session_id: int) -> list[AttemptRecord]:
        with self._attempts() as attempts:
            return attempts.list_for_session(session_id)
