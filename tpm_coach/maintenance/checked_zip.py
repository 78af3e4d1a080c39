"""The one checked way to unpack a zip that came from outside: backups restored and session packages imported.

Every member is paired with a manifest entry (path, size, sha256) before anything is written; names that could
escape the target, links and special files, unlisted or missing members, and archives over the limits are
refused; bytes are hashed while they are written, each file created fresh ("xb"), never through a link.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tpm_coach.errors import StorageError
from tpm_coach.maintenance.archive import (
    ArchiveRefusedError,
    FileEntry,
    Limits,
    RefusalReason,
    member_kind_problem,
    unsafe_name_problem,
)

_CHUNK = 1024 * 1024
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_UNEXPECTED = RefusalReason.UNEXPECTED_MEMBER
_CHECKSUM = RefusalReason.CHECKSUM_MISMATCH

Planned = list[tuple[zipfile.ZipInfo, FileEntry]]


@dataclass(frozen=True)
class ArchiveRules:
    """What one kind of archive may hold, and how its refusals are worded and typed."""

    what: str  # "backup", "session package": the word a person reads in a refusal
    manifest_name: str
    folders: tuple[str, ...]  # folders that may appear as directory members
    allowed: Callable[[str], bool]  # may this file path be unpacked at all
    allowed_text: str  # why another path is refused, e.g. "only audio/ and session.json can be imported"
    error: type[ArchiveRefusedError]

    def refuse(self, reason: RefusalReason, message: str, hint: str = "") -> ArchiveRefusedError:
        return self.error(reason, message, hint)

    def refuse_member(
        self, name: str, why: str, reason: RefusalReason = RefusalReason.UNSAFE_MEMBER
    ) -> ArchiveRefusedError:
        return self.error(reason, f"the {self.what} member {name!r} is refused: {why}")


def open_archive(path: Path, rules: ArchiveRules) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise rules.refuse(
            RefusalReason.NOT_AN_ARCHIVE, f"{path} is not a zip file, so it is not a tpm_coach {rules.what}"
        ) from None
    except OSError as exc:
        raise rules.refuse(RefusalReason.NOT_AN_ARCHIVE, f"cannot read {path}: {exc.strerror or exc}") from exc


def read_json_member(archive: zipfile.ZipFile, name: str, max_bytes: int, rules: ArchiveRules) -> object:
    """A JSON member read whole, refused when missing, larger than `max_bytes` or not JSON."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise rules.refuse(
            RefusalReason.MANIFEST_MISSING, f"this archive has no {name}, so it is not a tpm_coach {rules.what}"
        ) from None
    if info.file_size > max_bytes:
        raise rules.refuse(
            RefusalReason.TOO_LARGE, f"the {rules.what}'s {name} is {info.file_size:,} bytes (limit {max_bytes:,})"
        )
    problem = member_kind_problem(info)
    if problem:
        raise rules.refuse_member(name, problem)
    try:
        with archive.open(info) as handle:
            return json.loads(handle.read(max_bytes + 1))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
        raise rules.refuse(RefusalReason.MANIFEST_INVALID, f"the {rules.what}'s {name} cannot be read ({exc})") from exc


def plan_members(archive: zipfile.ZipFile, files: list[FileEntry], limits: Limits, rules: ArchiveRules) -> Planned:
    """Pair every archive member with its manifest entry; refuse anything unsafe, unlisted, missing or too big."""
    infos = archive.infolist()
    if len(infos) > limits.max_members + 1 or len(files) > limits.max_members:
        raise rules.refuse(
            RefusalReason.TOO_LARGE, f"the {rules.what} has {len(infos):,} members (limit {limits.max_members:,})"
        )
    entries: dict[str, FileEntry] = {}
    for entry in files:
        problem = unsafe_name_problem(entry.path)
        if problem:
            raise rules.refuse_member(entry.path, f"the manifest lists {problem}")
        if not rules.allowed(entry.path):
            raise rules.refuse_member(entry.path, rules.allowed_text, _UNEXPECTED)
        if entry.path in entries:
            raise rules.refuse(RefusalReason.MANIFEST_INVALID, f"the manifest lists {entry.path!r} twice")
        entries[entry.path] = entry
    planned: Planned = []
    seen: set[str] = set()
    declared = 0
    for info in infos:
        name = info.filename
        if name in seen:
            raise rules.refuse_member(name, "it appears twice in the archive")
        seen.add(name)
        bare = name.rstrip("/") if info.is_dir() else name
        problem = unsafe_name_problem(bare) or member_kind_problem(info)
        if problem:
            raise rules.refuse_member(name, problem)
        declared += info.file_size
        if name == rules.manifest_name:
            continue
        if info.is_dir():
            if bare not in rules.folders and not rules.allowed(bare):
                raise rules.refuse_member(name, rules.allowed_text, _UNEXPECTED)
            continue
        listed = entries.get(name)
        if listed is None:
            raise rules.refuse_member(name, "it is not listed in the manifest", _UNEXPECTED)
        if info.file_size != listed.size:
            raise rules.refuse_member(
                name, f"its size ({info.file_size:,} bytes) differs from the manifest's", _CHECKSUM
            )
        planned.append((info, listed))
    missing = sorted(set(entries) - seen)
    if missing:
        raise rules.refuse(
            RefusalReason.MISSING_MEMBER,
            f"the {rules.what} is incomplete: {len(missing)} file(s) listed in its manifest are missing, "
            f"e.g. {missing[0]!r}",
        )
    total = max(declared, sum(entry.size for entry in files))
    if total > limits.max_total_bytes:
        raise rules.refuse(
            RefusalReason.TOO_LARGE,
            f"the {rules.what} would unpack to {total:,} bytes (limit {limits.max_total_bytes:,})",
        )
    return planned


def extract_members(archive: zipfile.ZipFile, members: Planned, target: Path, rules: ArchiveRules) -> None:
    """Write the planned members under `target`, checking every size and sha256 as the bytes go by."""
    base = target.resolve()
    for info, entry in members:
        destination = target / entry.path
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.parent.resolve().is_relative_to(base):
                raise rules.refuse_member(entry.path, f"it would be written outside the folder the {rules.what} fills")
            _extract_one(archive, info, entry, destination, rules)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            raise rules.refuse_member(entry.path, "it clashes with another member's path") from None
        except zipfile.BadZipFile as exc:
            raise rules.refuse_member(entry.path, f"its data is damaged ({exc})", _CHECKSUM) from exc
        except OSError as exc:
            if exc.errno in _FULL:
                raise rules.refuse(
                    RefusalReason.NO_SPACE,
                    f"the disk filled up while unpacking the {rules.what} ({exc.strerror})",
                    "free some disk space and try again; your current data was not changed",
                ) from exc
            raise StorageError(
                f"could not unpack {entry.path} from the {rules.what}: {exc.strerror or exc}",
                "your current data was not changed",
            ) from exc


def _extract_one(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: FileEntry, destination: Path, rules: ArchiveRules
) -> None:
    digest = hashlib.sha256()
    written = 0
    # "xb": never through an existing file or link; zipfile itself stops at the size in the header.
    with archive.open(info) as source, destination.open("xb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > entry.size:
                raise rules.refuse_member(entry.path, "it holds more data than the manifest says", _CHECKSUM)
            digest.update(chunk)
            sink.write(chunk)
        sink.flush()
        os.fsync(sink.fileno())
    if written != entry.size or digest.hexdigest() != entry.sha256:
        raise rules.refuse_member(
            entry.path, "its checksum does not match the manifest (the file was changed or damaged)", _CHECKSUM
        )
