"""Importing a session package with the same care as a restore: every check first, then one transaction.

Order of work, so that a refusal at any step leaves the importer's data as it was:
1. the manifest (format, version) and every member against it and the limits, through the shared checked routine;
2. extraction into a hidden folder inside the data folder, checking every sha256;
3. session.json validated: answers, scores, reviews that fit their rubric and transcript, recordings it names;
4. recordings renamed into audio/, then the session stored in one transaction (recordings removed if it fails).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from tpm_coach.coach.package_format import (
    AUDIO_FOLDER,
    DEFAULT_LIMITS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MAX_SESSION_JSON_BYTES,
    RULES,
    SESSION_NAME,
    PackageManifest,
    PackageRefusedError,
    SessionDocument,
)
from tpm_coach.domain import AttemptStatus, StoredScore, review_problems
from tpm_coach.maintenance.archive import Limits, RefusalReason, remove_stale_scratch
from tpm_coach.maintenance.checked_zip import extract_members, open_archive, plan_members, read_json_member
from tpm_coach.paths import DataPaths
from tpm_coach.storage import Database
from tpm_coach.storage.coach import CoachRepository, ImportedAnswer, ImportedSession, SessionOrigin
from tpm_coach.storage.repositories import now_iso

log = logging.getLogger(__name__)

_INVALID = RefusalReason.CONTENT_INVALID


@dataclass(frozen=True)
class ImportResult:
    session_id: int
    attempt_ids: list[int]
    sender: str
    recordings: int
    reviewed: int
    returned: bool = False  # the package held the importer's own session: only the reviews were added to it


def read_package_manifest(archive: zipfile.ZipFile, limits: Limits) -> PackageManifest:
    raw = read_json_member(archive, MANIFEST_NAME, limits.max_manifest_bytes, RULES)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise PackageRefusedError(
            RefusalReason.MANIFEST_INVALID, "the manifest is not that of a tpm_coach session package"
        )
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise PackageRefusedError(
            RefusalReason.FORMAT_TOO_NEW,
            f"this session package was made by a newer tpm_coach (package format {version}; this version reads "
            f"{FORMAT_VERSION})",
            "upgrade tpm_coach to import it; your current data was not changed",
        )
    try:
        return PackageManifest.model_validate(raw)
    except ValidationError as exc:
        raise PackageRefusedError(RefusalReason.MANIFEST_INVALID, f"the package's manifest is {_first(exc)}") from exc


def import_session(
    db: Database, data_paths: DataPaths, package: Path, *, limits: Limits = DEFAULT_LIMITS
) -> ImportResult:
    """Add the package's session to the data, marked as coming from its sender and kept out of progress."""
    root = data_paths.ensure().root
    remove_stale_scratch(root, ".tpm_coach-import-*")
    with open_archive(package, RULES) as archive:
        manifest = read_package_manifest(archive, limits)
        planned = plan_members(archive, manifest.files, limits, RULES)
        sizes = {entry.path: entry.size for _, entry in planned}
        if SESSION_NAME not in sizes:
            raise PackageRefusedError(RefusalReason.MISSING_MEMBER, "the session package has no session.json")
        if sizes[SESSION_NAME] > MAX_SESSION_JSON_BYTES:
            raise PackageRefusedError(
                RefusalReason.TOO_LARGE,
                f"the package's session.json is {sizes[SESSION_NAME]:,} bytes (limit {MAX_SESSION_JSON_BYTES:,})",
            )
        scratch = Path(tempfile.mkdtemp(prefix=".tpm_coach-import-", dir=root))
        try:
            extract_members(archive, planned, scratch, RULES)
            document = _read_document(scratch / SESSION_NAME, set(sizes) - {SESSION_NAME})
            returned = _returned_reviews(db, document, manifest)
            if returned is not None:
                return returned
            return _store(db, data_paths, scratch, document=document, manifest=manifest, package=package)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _first(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"invalid at {where}: {first['msg']}"


def _read_document(path: Path, recordings: set[str]) -> SessionDocument:
    try:
        document = SessionDocument.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise PackageRefusedError(_INVALID, f"the package's session.json is {_first(exc)}") from exc
    named: set[str] = set()
    for number, answer in enumerate(document.answers, start=1):
        if answer.status is AttemptStatus.RECORDING:
            raise PackageRefusedError(_INVALID, f"answer {number} of the package is marked as still recording")
        if answer.audio is not None:
            if answer.audio not in recordings or answer.audio in named:
                raise PackageRefusedError(
                    _INVALID, f"answer {number} names the recording {answer.audio!r}, which the package does not hold"
                )
            named.add(answer.audio)
        if sum(s.current for s in answer.scores) > 1:
            raise PackageRefusedError(_INVALID, f"answer {number} of the package has more than one current score")
        if answer.review is not None:
            problems = review_problems(
                answer.review, answer.competency, answer.transcript.text if answer.transcript else ""
            )
            if problems:
                raise PackageRefusedError(_INVALID, f"the coach's review of answer {number} is refused: {problems[0]}")
    stray = sorted(recordings - named)
    if stray:
        raise PackageRefusedError(
            RefusalReason.UNEXPECTED_MEMBER, f"the recording {stray[0]!r} belongs to no answer in the package"
        )
    return document


def _returned_reviews(db: Database, document: SessionDocument, manifest: PackageManifest) -> ImportResult | None:
    """When every answer in the package is one of the importer's own, in one session, add the coach's reviews to
    those answers instead of storing a second copy of the session; None otherwise."""
    coach = CoachRepository(db)
    own = [
        coach.own_answer(a.created_at, a.question.id, a.transcript.text if a.transcript else None)
        for a in document.answers
    ]
    if any(found is None for found in own) or len({found[0] for found in own if found}) != 1:
        return None
    matched = [found for found in own if found is not None]
    reviews = {
        attempt_id: answer.review
        for (_, attempt_id), answer in zip(matched, document.answers, strict=True)
        if answer.review is not None
    }
    coach.save_reviews(reviews)
    log.info("added %d reviews from %s to session %d", len(reviews), manifest.sender, matched[0][0])
    return ImportResult(
        session_id=matched[0][0],
        attempt_ids=[attempt_id for _, attempt_id in matched],
        sender=manifest.sender,
        recordings=0,
        reviewed=len(reviews),
        returned=True,
    )


def _store(
    db: Database,
    data_paths: DataPaths,
    scratch: Path,
    *,
    document: SessionDocument,
    manifest: PackageManifest,
    package: Path,
) -> ImportResult:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = data_paths.audio / f"imported-{stamp}-{uuid.uuid4().hex[:8]}"
    answers: list[ImportedAnswer] = []
    moved = False
    try:
        for answer in document.answers:
            audio_path: str | None = None
            if answer.audio is not None:
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / answer.audio.removeprefix(f"{AUDIO_FOLDER}/")
                os.rename(scratch / answer.audio, target)  # same file system: the data folder holds both
                moved = True
                audio_path = data_paths.relative(target)
            answers.append(
                ImportedAnswer(
                    question=answer.question,
                    competency=answer.competency,
                    answer_mode=answer.answer_mode,
                    status=answer.status,
                    status_reason=answer.status_reason,
                    duration_s=answer.duration_s,
                    created_at=answer.created_at,
                    audio_path=audio_path,
                    transcript=answer.transcript,
                    metrics=answer.metrics,
                    transcript_created_at=answer.transcript_created_at,
                    scores=tuple(
                        StoredScore(id=0, result=s.result, created_at=s.created_at, current=s.current)
                        for s in answer.scores
                    ),
                    review=answer.review,
                )
            )
        origin = SessionOrigin(
            session_id=0,
            sender=manifest.sender,
            package_file=package.name,
            package_created_at=manifest.created_at,
            imported_at=now_iso(),
            in_progress=False,
        )
        session = document.session
        session_id, attempt_ids = CoachRepository(db).insert_session(
            ImportedSession(session.title, session.started_at, session.ended_at, list(session.bank_ids)),
            answers,
            origin,
        )
    except BaseException:
        if moved:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    log.info("imported %s from %s as session %d", package, manifest.sender or "an unnamed sender", session_id)
    return ImportResult(
        session_id=session_id,
        attempt_ids=attempt_ids,
        sender=manifest.sender,
        recordings=sum(1 for a in answers if a.audio_path),
        reviewed=sum(1 for a in answers if a.review is not None),
    )
