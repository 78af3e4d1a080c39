"""An import refuses every session package it cannot fully trust, and a refusal changes nothing in the data.

Each case starts from a real exported package and breaks one thing. The importer's database rows and the bytes
of every file in its data folder are compared afterwards, and no work folder may be left behind.
"""

from __future__ import annotations

import hashlib
import json
import stat
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.app_data import database_rows, file_digests, populate
from tpm_coach.coach.export import export_session
from tpm_coach.coach.importer import import_session
from tpm_coach.coach.package_format import DEFAULT_LIMITS, MANIFEST_NAME, SESSION_NAME, PackageRefusedError
from tpm_coach.maintenance import Limits, RefusalReason
from tpm_coach.paths import DataPaths
from tpm_coach.storage import Database

Member = tuple[zipfile.ZipInfo, bytes]
Members = dict[str, Member]


@pytest.fixture(scope="module")
def good_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sender")
    paths = DataPaths(base / "data")
    populate(paths, sessions=1)
    with Database.open(paths.database) as db:
        return export_session(db, paths, 1, base / "good.tpmsession", sender="Casey").path


@dataclass
class Importer:
    paths: DataPaths
    db: Database

    def snapshot(self) -> tuple[list[str], dict[str, str]]:
        files = {k: v for k, v in file_digests(self.paths.root).items() if not k.startswith("tpm_coach.sqlite3")}
        return database_rows(self.paths.database), files


@pytest.fixture
def importer(tmp_path: Path) -> Importer:
    paths = DataPaths(tmp_path / "importer")
    populate(paths, sessions=1)  # the importer's own data, which no refusal may touch
    return Importer(paths, Database.open(paths.database))


def members_of(package: Path) -> Members:
    with zipfile.ZipFile(package) as archive:
        return {info.filename: (info, archive.read(info)) for info in archive.infolist()}


def plain(name: str, data: bytes, mode: int = stat.S_IFREG | 0o644) -> Member:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, data


def relist(members: Members, **changes: object) -> None:
    """Rewrite the manifest to match the members exactly, as a careful forger would."""
    manifest = json.loads(members[MANIFEST_NAME][1])
    manifest["files"] = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, (_, data) in members.items()
        if name != MANIFEST_NAME
    ]
    manifest.update(changes)
    members[MANIFEST_NAME] = plain(MANIFEST_NAME, json.dumps(manifest).encode())


def broken(good: Path, tmp_path: Path, edit: Callable[[Members], None]) -> Path:
    members = members_of(good)
    edit(members)
    path = tmp_path / "broken.tpmsession"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as archive:
            for info, data in members.values():
                archive.writestr(info, data)
    return path


def refused(package: Path, importer: Importer, reason: RefusalReason, limits: Limits = DEFAULT_LIMITS) -> str:
    before = importer.snapshot()
    try:
        with pytest.raises(PackageRefusedError) as info:
            import_session(importer.db, importer.paths, package, limits=limits)
        assert info.value.reason is reason, info.value.message
        assert "not changed" in info.value.hint
        assert importer.snapshot() == before
        assert not list(importer.paths.root.glob(".tpm_coach-import-*"))
    finally:
        importer.db.close()
    return info.value.message


def first_audio(members: Members) -> str:
    return next(name for name in members if name.startswith("audio/"))


def test_the_untouched_package_imports(good_package: Path, importer: Importer) -> None:
    try:
        result = import_session(importer.db, importer.paths, good_package)
    finally:
        importer.db.close()
    assert len(result.attempt_ids) == 3 and result.recordings == 2


def test_a_path_escaping_member_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def escape(members: Members) -> None:
        members["audio/../../evil.wav"] = plain("audio/../../evil.wav", b"RIFF")
        relist(members)

    message = refused(broken(good_package, tmp_path, escape), importer, RefusalReason.UNSAFE_MEMBER)
    assert "evil.wav" in message
    assert not (importer.paths.root.parent / "evil.wav").exists()


def test_an_absolute_member_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def absolute(members: Members) -> None:
        members["/tmp/owned.wav"] = plain("/tmp/owned.wav", b"RIFF")
        relist(members)

    refused(broken(good_package, tmp_path, absolute), importer, RefusalReason.UNSAFE_MEMBER)


def test_a_symlink_member_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def link(members: Members) -> None:
        name = first_audio(members)
        members[name] = plain(name, b"/etc/passwd", stat.S_IFLNK | 0o777)
        relist(members)

    message = refused(broken(good_package, tmp_path, link), importer, RefusalReason.UNSAFE_MEMBER)
    assert "symbolic link" in message


def test_an_oversized_package_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    small = Limits(max_members=DEFAULT_LIMITS.max_members, max_total_bytes=4096, max_manifest_bytes=1024**2)
    message = refused(good_package, importer, RefusalReason.TOO_LARGE, small)
    assert "unpack to" in message


def test_a_member_larger_than_listed_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def grow(members: Members) -> None:
        name = first_audio(members)
        members[name] = plain(name, members[name][1] + b"\x00" * 1_000_000)

    refused(broken(good_package, tmp_path, grow), importer, RefusalReason.CHECKSUM_MISMATCH)


def test_a_changed_recording_fails_its_checksum(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def flip(members: Members) -> None:
        name = first_audio(members)
        data = bytearray(members[name][1])
        data[-1] ^= 0xFF
        members[name] = plain(name, bytes(data))

    message = refused(broken(good_package, tmp_path, flip), importer, RefusalReason.CHECKSUM_MISMATCH)
    assert "checksum" in message


def test_an_edited_session_file_fails_its_checksum(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def edit(members: Members) -> None:
        body = members[SESSION_NAME][1].replace(b'"scorer": "llm"', b'"scorer": "LLM"', 1)
        members[SESSION_NAME] = plain(SESSION_NAME, body)

    refused(broken(good_package, tmp_path, edit), importer, RefusalReason.CHECKSUM_MISMATCH)


def test_a_newer_format_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    message = refused(
        broken(good_package, tmp_path, lambda m: relist(m, format_version=2)), importer, RefusalReason.FORMAT_TOO_NEW
    )
    assert "newer tpm_coach" in message


def test_an_unlisted_member_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def extra(members: Members) -> None:
        members["audio/999.wav"] = plain("audio/999.wav", b"RIFF")

    refused(broken(good_package, tmp_path, extra), importer, RefusalReason.UNEXPECTED_MEMBER)


def test_a_member_outside_the_layout_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def database(members: Members) -> None:
        members["tpm_coach.sqlite3"] = plain("tpm_coach.sqlite3", b"SQLite format 3\x00")
        relist(members)

    refused(broken(good_package, tmp_path, database), importer, RefusalReason.UNEXPECTED_MEMBER)


def test_a_review_off_the_rubric_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def forge(members: Members) -> None:
        document = json.loads(members[SESSION_NAME][1])
        document["answers"][0]["review"] = {"coach": "X", "grades": [{"criterion": "made-up", "score": 5}]}
        members[SESSION_NAME] = plain(SESSION_NAME, json.dumps(document).encode())
        relist(members)

    message = refused(broken(good_package, tmp_path, forge), importer, RefusalReason.CONTENT_INVALID)
    assert "made-up" in message


def test_a_recording_no_answer_names_is_refused(good_package: Path, importer: Importer, tmp_path: Path) -> None:
    def orphan(members: Members) -> None:
        document = json.loads(members[SESSION_NAME][1])
        for answer in document["answers"]:
            answer["audio"] = None
        members[SESSION_NAME] = plain(SESSION_NAME, json.dumps(document).encode())
        relist(members)

    refused(broken(good_package, tmp_path, orphan), importer, RefusalReason.UNEXPECTED_MEMBER)


def test_not_a_zip_is_refused(importer: Importer, tmp_path: Path) -> None:
    fake = tmp_path / "fake.tpmsession"
    fake.write_bytes(b"this is not a package")
    refused(fake, importer, RefusalReason.NOT_AN_ARCHIVE)


def test_a_backup_is_not_a_session_package(importer: Importer, tmp_path: Path) -> None:
    from tpm_coach.maintenance import create_backup

    backup = create_backup(importer.paths, tmp_path / "backup.zip").path
    refused(backup, importer, RefusalReason.MANIFEST_INVALID)
