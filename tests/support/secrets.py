"""Proof that a secret is nowhere on disk: search the bytes of files, folders and the members of zips.

Compressed archive members are searched after decompression (a deflated key would not show in the raw
bytes), nested zips too. Each secret is looked for as UTF-8, UTF-16 (either byte order) and URL-encoded.
"""

from __future__ import annotations

import io
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["assert_secret_absent", "files_searched", "secret_forms"]


def secret_forms(secret: str) -> list[bytes]:
    forms = [secret.encode("utf-8"), secret.encode("utf-16-le"), secret.encode("utf-16-be")]
    quoted = urllib.parse.quote(secret, safe="").encode("ascii")
    if quoted not in forms:
        forms.append(quoted)
    return forms


def _walk(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        elif path.is_file():
            yield path


def _blobs(label: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """The bytes themselves and, for a zip, every member's uncompressed bytes."""
    yield label, data
    if depth > 3 or not data.startswith(b"PK"):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    with archive:
        for info in archive.infolist():
            if not info.is_dir():
                yield from _blobs(f"{label}!{info.filename}", archive.read(info), depth + 1)


def files_searched(paths: Iterable[Path]) -> list[Path]:
    """The files `assert_secret_absent` would read, to check a test really searched something."""
    return list(_walk(paths))


def assert_secret_absent(paths: Iterable[Path], secret: str) -> int:
    """Fail naming the file (and archive member) that holds `secret`; returns how many blobs were searched.

    `paths` may mix files and folders (searched recursively). Missing paths are skipped, so pass only
    paths the test knows exist, and check the count returned when that matters.
    """
    assert len(secret) >= 8, "use a realistic secret: short ones match by chance"
    forms = secret_forms(secret)
    searched = 0
    for path in _walk(paths):
        for label, data in _blobs(str(path), path.read_bytes()):
            searched += 1
            for form in forms:
                offset = data.find(form)
                assert offset < 0, f"the secret is in {label} at byte {offset}"
    return searched
