"""A restore refuses every archive it cannot fully trust, and a refusal leaves the current data untouched.

Each case starts from a real backup and breaks one thing: a member's bytes, its name, its kind, the
database inside, the manifest, or its size. The current data folder is compared byte for byte afterwards,
and nothing may be left beside it (no half-extracted folder).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.app_data import file_digests, populate
from tpm_coach.config import load_settings
from tpm_coach.errors import StorageError
from tpm_coach.maintenance import Limits, RefusalReason, RestoreRefusedError, create_backup, restore_backup
from tpm_coach.maintenance.archive import DATABASE_NAME, MANIFEST_NAME
from tpm_coach.paths import DataPaths
from tpm_coach.storage import SCHEMA_VERSION, Database, SessionRepository

Member = tuple[zipfile.ZipInfo, bytes]


@dataclass(frozen=True)
class Template:
    data: Path
    archive: Path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """One populated data folder and its backup, shared by the module (each test copies the folder)."""
    base = tmp_path_factory.mktemp("template")
    paths = DataPaths(base / "data")
    populate(paths)
    archive = create_backup(paths, base / "good-backup.zip").path
    return Template(paths.root, archive)


@dataclass
class Current:
    paths: DataPaths
    files: dict[str, str]
    beside: list[str]

    def assert_untouched(self) -> None:
        assert file_digests(self.paths.root) == self.files
        assert sorted(p.name for p in self.paths.root.parent.iterdir()) == self.beside


@pytest.fixture
def current(template: Template) -> Current:
    paths = load_settings().data_paths()
    shutil.copytree(template.data, paths.root)
    return Current(paths, file_digests(paths.root), sorted(p.name for p in paths.root.parent.iterdir()))


def read_members(archive: Path) -> dict[str, Member]:
    with zipfile.ZipFile(archive) as z:
        return {info.filename: (info, z.read(info)) for info in z.infolist()}


def plain(name: str, data: bytes, mode: int = stat.S_IFREG | 0o644) -> Member:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, data


def manifest_of(members: dict[str, Member]) -> dict[str, object]:
    return dict(json.loads(members[MANIFEST_NAME][1]))


def set_manifest(members: dict[str, Member], manifest: dict[str, object]) -> None:
    members[MANIFEST_NAME] = plain(MANIFEST_NAME, json.dumps(manifest).encode())


def relist(members: dict[str, Member], **changes: object) -> None:
    """Rewrite the manifest so it matches the members exactly (a careful forger's archive)."""
    manifest = manifest_of(members)
    manifest["files"] = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, (_, data) in members.items()
        if name != MANIFEST_NAME and not name.endswith("/")
    ]
    manifest.update(changes)
    set_manifest(members, manifest)


def write_zip(path: Path, members: Iterator[Member] | list[Member]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names some cases need
        with zipfile.ZipFile(path, "w") as z:
            for info, data in members:
                z.writestr(info, data)
    return path


def database_with(tmp_path: Path, original: bytes, change: Callable[[sqlite3.Connection], None]) -> bytes:
    work = tmp_path / "work.sqlite3"
    work.write_bytes(original)
    conn = sqlite3.connect(work, isolation_level=None)
    change(conn)
    conn.close()
    return work.read_bytes()


def corrupt_pages(original: bytes) -> bytes:
    data = bytearray(original)
    for offset in (4096 + 8, 4096 + 100, 4096 + 200):  # inside the sessions table's first b-tree page
        data[offset : offset + 40] = b"\xff" * 40
    return bytes(data)


def refused(archive: Path, current: Current, reason: RefusalReason, limits: Limits | None = None) -> str:
    with pytest.raises(RestoreRefusedError) as info:
        restore_backup(archive, current.paths, limits=limits or Limits())
    assert info.value.reason is reason, info.value.message
    assert "not changed" in info.value.hint
    current.assert_untouched()
    return info.value.message


def broken(template: Template, tmp_path: Path, edit: Callable[[dict[str, Member]], None]) -> Path:
    members = read_members(template.archive)
    edit(members)
    return write_zip(tmp_path / "broken.zip", list(members.values()))


def test_the_untouched_backup_restores(template: Template, current: Current) -> None:
    result = restore_backup(template.archive, current.paths)
    assert result.previous is not None
    assert file_digests(result.previous) == current.files


def test_tampered_member_same_size(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        info, data = members["banks/acme.yaml"]
        members["banks/acme.yaml"] = (info, data.replace(b"Acme", b"Evil", 1))

    message = refused(broken(template, tmp_path, edit), current, RefusalReason.CHECKSUM_MISMATCH)
    assert "banks/acme.yaml" in message


def test_tampered_member_other_size(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        name = next(n for n in members if n.startswith("audio/"))
        info, data = members[name]
        members[name] = (info, data + b"\x00" * 10)

    refused(broken(template, tmp_path, edit), current, RefusalReason.CHECKSUM_MISMATCH)


UNSAFE_NAMES = [
    "../evil",
    "/etc/x",
    "audio/../../evil",
    "banks/../../../tmp/evil.yaml",
    "audio\\..\\..\\evil",
    "C:/Windows/evil.dll",
    "audio/./x.wav",
    "audio//x.wav",
]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
@pytest.mark.parametrize("listed", [True, False], ids=["listed", "unlisted"])
def test_path_traversal_names(template: Template, current: Current, tmp_path: Path, name: str, listed: bool) -> None:
    def edit(members: dict[str, Member]) -> None:
        members[name] = plain(name, b"payload")
        if listed:
            relist(members)

    refused(broken(template, tmp_path, edit), current, RefusalReason.UNSAFE_MEMBER)
    assert not (current.paths.root.parent.parent / "evil").exists()


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("audio/link.wav", stat.S_IFLNK | 0o777),
        ("audio/link.wav", stat.S_IFCHR | 0o600),
        ("audio/link.wav", stat.S_IFBLK | 0o600),
        ("audio/link.wav", stat.S_IFIFO | 0o600),
        ("audio/link.wav", stat.S_IFSOCK | 0o600),
        ("banks/acme.yaml", stat.S_IFLNK | 0o777),  # in place of a file the backup listed
    ],
    ids=["symlink", "char-device", "block-device", "fifo", "socket", "symlink-replacing-a-listed-file"],
)
def test_special_file_members(template: Template, current: Current, tmp_path: Path, name: str, mode: int) -> None:
    def edit(members: dict[str, Member]) -> None:
        members[name] = plain(name, b"/etc/passwd", mode)
        relist(members)

    refused(broken(template, tmp_path, edit), current, RefusalReason.UNSAFE_MEMBER)


def test_duplicate_member_names(template: Template, current: Current, tmp_path: Path) -> None:
    members = read_members(template.archive)
    archive = write_zip(tmp_path / "dup.zip", [*members.values(), plain("banks/acme.yaml", b"second copy")])
    refused(archive, current, RefusalReason.UNSAFE_MEMBER)


def test_newer_schema_database(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        info, data = members[DATABASE_NAME]
        newer = database_with(tmp_path, data, lambda c: c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}"))
        members[DATABASE_NAME] = (info, newer)
        relist(members)  # the manifest still claims the current schema

    message = refused(broken(template, tmp_path, edit), current, RefusalReason.SCHEMA_TOO_NEW)
    assert "newer tpm_coach" in message


def test_newer_schema_declared_in_the_manifest(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        relist(members, schema_version=SCHEMA_VERSION + 1)

    refused(broken(template, tmp_path, edit), current, RefusalReason.SCHEMA_TOO_NEW)


@pytest.mark.parametrize(
    "damage",
    [corrupt_pages, lambda _original: b"definitely not SQLite " * 400],
    ids=["corrupt-pages", "not-a-database"],
)
def test_damaged_database(
    template: Template, current: Current, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    def edit(members: dict[str, Member]) -> None:
        info, data = members[DATABASE_NAME]
        members[DATABASE_NAME] = (info, damage(data))
        relist(members)

    refused(broken(template, tmp_path, edit), current, RefusalReason.DATABASE_DAMAGED)


def test_missing_manifest(template: Template, current: Current, tmp_path: Path) -> None:
    refused(broken(template, tmp_path, lambda m: m.pop(MANIFEST_NAME)), current, RefusalReason.MANIFEST_MISSING)


def test_newer_backup_format(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        manifest = manifest_of(members)
        manifest["format_version"] = 99
        set_manifest(members, manifest)

    refused(broken(template, tmp_path, edit), current, RefusalReason.FORMAT_TOO_NEW)


@pytest.mark.parametrize(
    "manifest",
    [b"{not json", b"[]", b'{"format": "something-else"}', b'{"format": "tpm_coach-backup", "format_version": 1}'],
    ids=["not-json", "not-an-object", "other-format", "fields-missing"],
)
def test_invalid_manifest(template: Template, current: Current, tmp_path: Path, manifest: bytes) -> None:
    def edit(members: dict[str, Member]) -> None:
        members[MANIFEST_NAME] = plain(MANIFEST_NAME, manifest)

    refused(broken(template, tmp_path, edit), current, RefusalReason.MANIFEST_INVALID)


def test_member_not_in_the_manifest(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        members["audio/extra.wav"] = plain("audio/extra.wav", b"RIFF....")

    refused(broken(template, tmp_path, edit), current, RefusalReason.UNEXPECTED_MEMBER)


@pytest.mark.parametrize("name", ["config.toml", "tpm_coach.sqlite3-wal", "logs/tpm_coach.log", "audio"])
def test_member_outside_the_restorable_folders(template: Template, current: Current, tmp_path: Path, name: str) -> None:
    def edit(members: dict[str, Member]) -> None:
        members[name] = plain(name, b"[llm]\nbase_url = 'http://evil'\n")
        relist(members)

    refused(broken(template, tmp_path, edit), current, RefusalReason.UNEXPECTED_MEMBER)


def test_listed_file_missing_from_the_archive(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        name = next(n for n in members if n.startswith("audio/"))
        del members[name]

    refused(broken(template, tmp_path, edit), current, RefusalReason.MISSING_MEMBER)


def test_zip_bomb_is_refused_before_unpacking(template: Template, current: Current, tmp_path: Path) -> None:
    def edit(members: dict[str, Member]) -> None:
        members["audio/bomb.wav"] = plain("audio/bomb.wav", bytes(32 * 1024**2))
        relist(members)

    archive = broken(template, tmp_path, edit)
    assert archive.stat().st_size < 1024**2  # 32 MB of zeros deflate to almost nothing
    message = refused(archive, current, RefusalReason.TOO_LARGE, Limits(max_total_bytes=8 * 1024**2))
    assert "unpack to" in message


def test_too_many_members(template: Template, current: Current) -> None:
    refused(template.archive, current, RefusalReason.TOO_LARGE, Limits(max_members=3))


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"plain text, not an archive"])
def test_not_a_zip(current: Current, tmp_path: Path, content: bytes) -> None:
    archive = tmp_path / "backup.zip"
    archive.write_bytes(content)
    refused(archive, current, RefusalReason.NOT_AN_ARCHIVE)


def test_missing_archive(current: Current, tmp_path: Path) -> None:
    refused(tmp_path / "no-such-backup.zip", current, RefusalReason.NOT_AN_ARCHIVE)


def test_database_open_in_the_app(template: Template, current: Current) -> None:
    db = Database.open(current.paths.database)  # the desktop app, still running
    SessionRepository(db).list_summaries()
    current.files = file_digests(current.paths.root)
    try:
        refused(template.archive, current, RefusalReason.IN_USE)
    finally:
        db.close()


def test_failed_swap_puts_the_current_data_back(
    template: Template, current: Current, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second rename failing (a fault injected into os.rename) must undo the first one."""
    from tpm_coach.maintenance import restore

    real_rename = restore.os.rename
    calls: list[str] = []

    def failing_rename(source: str | Path, target: str | Path) -> None:
        calls.append(str(source))
        if ".restoring-" in Path(source).name:
            raise OSError(5, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(restore.os, "rename", failing_rename)
    with pytest.raises(StorageError) as info:
        restore_backup(template.archive, current.paths)
    assert len(calls) == 3  # aside, in (fails), back
    assert "not changed" in info.value.hint
    current.assert_untouched()
