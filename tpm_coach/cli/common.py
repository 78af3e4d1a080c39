"""Small helpers shared by the subcommands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.context import AppContext

if TYPE_CHECKING:
    from tpm_coach.transcription.download import DownloadProgress


def context() -> AppContext:
    return AppContext()


def write_output(text: str, output: Path | None) -> None:
    """To a file (atomically) when given, else to standard output."""
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_bytes(output, text.encode("utf-8"))
        print(f"wrote {output}", file=sys.stderr)


def print_download_progress(report: DownloadProgress) -> None:
    """A model download's progress on one line of stderr, rewritten as it grows."""
    print(f"\rdownloading {report.text}", end="", file=sys.stderr, flush=True)
