"""Atomic file replacement: readers see the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from tpm_coach.errors import StorageError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            hint = (
                "free some disk space"
                if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
                else ("check the folder's permissions")
            )
            raise StorageError(
                f"could not save {path}: {exc.strerror or exc}", f"{hint}; the previous file is unchanged"
            ) from exc
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    # The rename is only durable once the directory entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
