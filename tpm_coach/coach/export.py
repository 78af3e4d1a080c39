"""Writing a session package: one session (or chosen answers) with transcripts, scores, reviews and recordings."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tpm_coach import __version__
from tpm_coach.coach.package_format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    NOT_INCLUDED,
    SESSION_NAME,
    PackagedAnswer,
    PackagedScore,
    PackagedSession,
    PackageManifest,
    SessionDocument,
    audio_member,
)
from tpm_coach.domain import AttemptRecord, AttemptStatus, CoachReview
from tpm_coach.errors import StorageError
from tpm_coach.maintenance.archive import FileEntry
from tpm_coach.maintenance.backup import add_file, member_info
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository
from tpm_coach.storage.coach import CoachRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest: PackageManifest
    answers: int
    recordings: int
    skipped: list[str]  # what was left out and why, for the person exporting


def export_session(
    db: Database,
    data_paths: DataPaths,
    session_id: int,
    output: Path,
    *,
    sender: str,
    include_audio: bool = True,
    answer_ids: list[int] | None = None,
) -> ExportResult:
    """Write the package to `output`; the file appears whole or not at all."""
    session = SessionRepository(db).get(session_id)
    records = AttemptRepository(db).list_for_session(session_id)
    if answer_ids is not None:
        unknown = sorted(set(answer_ids) - {r.id for r in records})
        if unknown:
            raise StorageError(
                f"answer(s) {', '.join(map(str, unknown))} are not in session {session_id}",
                f"list its answers with `tpm-coach session show {session_id}`",
            )
        records = [r for r in records if r.id in set(answer_ids)]
    skipped = [f"answer {r.id}: still being recorded" for r in records if r.status is AttemptStatus.RECORDING]
    records = [r for r in records if r.status is not AttemptStatus.RECORDING]
    if not records:
        raise StorageError(f"session {session_id} has no finished answers to export")
    coach = CoachRepository(db)
    reviews = coach.reviews([r.id for r in records])
    transcribed_at = coach.transcript_created_at([r.id for r in records])
    output = output.expanduser().absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".tpm_coach-package-", dir=output.parent) as scratch:
            partial = Path(scratch) / "package.zip"
            entries: list[FileEntry] = []
            answers: list[PackagedAnswer] = []
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                for position, record in enumerate(records):
                    audio = (
                        _add_audio(archive, data_paths, record, position, entries=entries, skipped=skipped)
                        if include_audio
                        else None
                    )
                    answers.append(_answer(record, audio, reviews.get(record.id), transcribed_at.get(record.id, "")))
                document = SessionDocument(
                    session=PackagedSession(
                        title=session.title,
                        started_at=session.started_at,
                        ended_at=session.ended_at,
                        bank_ids=session.bank_ids,
                    ),
                    answers=answers,
                )
                body = document.model_dump_json(indent=1).encode("utf-8")
                archive.writestr(member_info(SESSION_NAME), body)
                entries.insert(0, _entry(SESSION_NAME, body))
                manifest = PackageManifest(
                    format=FORMAT_NAME,
                    format_version=FORMAT_VERSION,
                    app_version=__version__,
                    created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    sender=sender,
                    files=entries,
                    not_included=list(NOT_INCLUDED),
                )
                archive.writestr(member_info(MANIFEST_NAME), manifest.model_dump_json(indent=2))
            with partial.open("rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, output)
    except OSError as exc:
        raise StorageError(
            f"could not write the session package {output}: {exc.strerror or exc}",
            "free some disk space or choose another place with -o; nothing was changed",
        ) from exc
    recordings = sum(1 for a in answers if a.audio)
    log.info("session %d exported to %s: %d answers, %d recordings", session_id, output, len(answers), recordings)
    return ExportResult(output, manifest, len(answers), recordings, skipped)


def _entry(name: str, body: bytes) -> FileEntry:
    return FileEntry(path=name, size=len(body), sha256=hashlib.sha256(body).hexdigest())


def _add_audio(
    archive: zipfile.ZipFile,
    data_paths: DataPaths,
    record: AttemptRecord,
    position: int,
    *,
    entries: list[FileEntry],
    skipped: list[str],
) -> str | None:
    if not record.audio_path:
        return None
    try:
        path = data_paths.absolute(record.audio_path)
    except ValueError:
        skipped.append(f"answer {record.id}: its recording path points outside the data folder")
        return None
    if not path.is_file() or path.is_symlink():
        skipped.append(f"answer {record.id}: its recording {record.audio_path} is missing")
        return None
    name = audio_member(position, path.suffix)
    entries.append(add_file(archive, path, name))
    return name


def _answer(
    record: AttemptRecord, audio: str | None, review: CoachReview | None, transcribed_at: str
) -> PackagedAnswer:
    return PackagedAnswer.model_validate(
        {
            "question": record.question,
            "competency": record.competency,
            "answer_mode": record.answer_mode,
            "status": record.status,
            "status_reason": record.status_reason,
            "duration_s": record.duration_s,
            "created_at": record.created_at,
            "audio": audio,
            "transcript": record.transcript,
            "transcript_created_at": transcribed_at,
            "metrics": record.metrics,
            "scores": [
                PackagedScore(result=s.result, created_at=s.created_at, current=s.current) for s in record.scores
            ],
            "review": review,
        }
    )
