"""Which process is doing something: its pid and start time, so a pid reused later is not taken for it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ProcessIdentity:
    pid: int
    started: str = ""  # the kernel's start time of the process; "" where it cannot be read

    @classmethod
    def current(cls) -> ProcessIdentity:
        return cls(os.getpid(), _start_time(os.getpid()))

    def is_current(self) -> bool:
        return self == ProcessIdentity.current()

    def is_alive(self) -> bool:
        """True while this process runs; a different process that got the same pid does not count."""
        if self.pid <= 0:
            return False
        if sys.platform == "win32":
            # Signal 0 is not a probe there; the data-folder lock is what keeps two instances apart.
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # it exists, under another user
        if self.started and self.pid != os.getpid():
            started = _read_start_time(self.pid)
            if started and started != self.started:
                return False
        return True

    def __str__(self) -> str:
        return f"process {self.pid}"


@cache
def _start_time(pid: int) -> str:
    # Only ever asked for this process, whose start time does not change.
    return _read_start_time(pid)


def _read_start_time(pid: int) -> str:
    """Field 22 of /proc/PID/stat (clock ticks after boot), on systems that have /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""
