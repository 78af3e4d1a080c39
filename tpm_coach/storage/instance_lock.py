"""One process owns a data folder: an OS lock on a file inside it, held until the process ends.

The operating system drops the lock when its process dies, however it dies, so a crash leaves
nothing stale to clean up. The file also names the owner, for the message another process shows,
and is removed on release, so a command that changed nothing leaves the folder as it found it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
from pathlib import Path
from types import TracebackType

from tpm_coach.errors import DataFolderInUseError
from tpm_coach.storage.owner import ProcessIdentity

LOCK_FILE_NAME = ".tpm_coach.lock"

_held: dict[Path, DataFolderLock] = {}
_held_guard = threading.Lock()


class DataFolderLock:
    """The lock on one data folder, held by this process until `release()` or the process's end."""

    def __init__(self, root: Path, fd: int) -> None:
        self.root = root
        self.path = root / LOCK_FILE_NAME
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def guards_folder(self) -> bool:
        """False once the folder was replaced under it (a restore renames the old folder aside)."""
        if self._fd is None:
            return False
        try:
            held, current = os.fstat(self._fd), os.stat(self.path)
        except OSError:
            return False
        return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)

    def release(self) -> None:
        with _held_guard:
            if _held.get(self.root) is self:
                del _held[self.root]
        if self._fd is None:
            return
        if _UNLINK_WHILE_HELD and self.guards_folder():
            # Removed while still locked: a process waiting on this file sees it replaced and retries.
            with contextlib.suppress(OSError):
                self.path.unlink()
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> DataFolderLock:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def lock_data_folder(root: Path) -> DataFolderLock:
    """Own `root` for this process, or raise DataFolderInUseError naming the process that does.

    Asking again for a folder this process already owns returns the same lock.
    """
    root = root.expanduser().resolve()
    with _held_guard:
        current = _held.get(root)
        if current is not None and current.guards_folder():
            return current
    if current is not None:
        current.release()
    root.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(root / LOCK_FILE_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            owner = folder_owner(root)
            raise DataFolderInUseError(
                f"the data folder {root} is in use by another TPM Coach ({owner or 'another process'})",
                "close the desktop app (or wait for the other command to finish), then try again",
                owner_pid=owner.pid if owner else None,
            )
        lock = DataFolderLock(root, fd)
        if lock.guards_folder():
            break
        # The owner released (and removed) the file between our open and our lock: take the new one.
        _unlock(fd)
        os.close(fd)
    me = ProcessIdentity.current()
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{me.pid} {me.started}\n".encode("ascii"))
    with _held_guard:
        _held[root] = lock
    return lock


def folder_owner(root: Path) -> ProcessIdentity | None:
    """The process the lock file names, if it names a running one (informational: the lock decides)."""
    try:
        pid_text, _, started = (root / LOCK_FILE_NAME).read_text(encoding="ascii").strip().partition(" ")
        owner = ProcessIdentity(int(pid_text), started)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return owner if owner.is_alive() else None


def instance_channel_name(root: Path) -> str:
    """A name for the local socket through which the owner of `root` hears from later starts."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{user}\0{root.expanduser().resolve()}".encode()).hexdigest()[:20]
    return f"tpm_coach-{digest}"


if sys.platform == "win32":
    import msvcrt

    _UNLINK_WHILE_HELD = False  # an open file cannot be removed there; it stays, unlocked

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    _UNLINK_WHILE_HELD = True

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
