"""The app's log: a rotating file in the user's log folder, with secrets redacted from every record.

`setup_logging()` is called once by the CLI entry point and by the GUI; calling it again replaces the
handler instead of adding a second one. Level: the argument, else TPM_COACH_LOG_LEVEL, else INFO.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections import deque
from pathlib import Path

from tpm_coach import paths
from tpm_coach.redact import Redactor, default_redactor

LOG_FILE_NAME = "tpm_coach.log"
MAX_BYTES = 1_048_576
BACKUP_COUNT = 5
LEVEL_ENV = "TPM_COACH_LOG_LEVEL"
_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
_HANDLER_NAME = "tpm_coach.file"
_CONSOLE_NAME = "tpm_coach.console"

log = logging.getLogger(__name__)


class RedactingFilter(logging.Filter):
    """Rewrites each record with its message, arguments, traceback and stack already redacted.

    The record is changed in place, so every handler after this one sees the redacted text too.
    """

    def __init__(self, redactor: Redactor = default_redactor) -> None:
        super().__init__()
        self.redactor = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string; keep what was passed rather than lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


def log_file(directory: Path | None = None) -> Path:
    return (directory or paths.log_dir()) / LOG_FILE_NAME


def _level(level: int | str | None) -> tuple[int, str | None]:
    """The numeric level, and a complaint when the requested one is unknown (INFO is used then)."""
    requested = level if level is not None else os.environ.get(LEVEL_ENV) or "INFO"
    if isinstance(requested, int):
        return requested, None
    number = logging.getLevelName(requested.strip().upper())
    if isinstance(number, int):
        return number, None
    return logging.INFO, f"unknown log level {requested!r} (use DEBUG, INFO, WARNING or ERROR); using INFO"


def setup_logging(
    level: int | str | None = None,
    *,
    directory: Path | None = None,
    console: bool = False,
    redactor: Redactor = default_redactor,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> Path | None:
    """Log to a rotating file (1 MB x 5) under the log folder; returns its path, or None if it cannot be written."""
    number, complaint = _level(level)
    # The key from the keyring is remembered by tpm_coach.secrets when it is read; the environment's now.
    redactor.remember(os.environ.get("OPENAI_API_KEY"))
    root = logging.getLogger()
    shutdown_logging()
    root.setLevel(number)
    redacting = RedactingFilter(redactor)
    formatter = logging.Formatter(_FORMAT)
    path = log_file(directory)
    target: Path | None = path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Opened now rather than at the first record, so an unwritable folder is noticed once, here,
        # instead of as a "Logging error" on every record.
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
    except OSError as exc:
        # A read-only or missing log folder must not stop the app; the reason goes to standard error.
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        complaint = f"cannot write the log file {path} ({exc.strerror}); logging warnings to standard error"
        target = None
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(redacting)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.set_name(_CONSOLE_NAME)
        stream.addFilter(redacting)
        stream.setFormatter(formatter)
        root.addHandler(stream)
    if complaint:
        log.warning(complaint)
    return target


def shutdown_logging() -> None:
    """Remove and close the handlers `setup_logging` added (tests and a second call use this)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() in (_HANDLER_NAME, _CONSOLE_NAME):
            root.removeHandler(handler)
            handler.close()


def log_files(directory: Path | None = None) -> list[Path]:
    """The current log file and its rotated predecessors, oldest first."""
    current = log_file(directory)
    rotated = [p for p in current.parent.glob(f"{current.name}.*") if p.suffix[1:].isdigit()]
    rotated.sort(key=lambda p: int(p.suffix[1:]), reverse=True)  # .5 is the oldest, .1 the newest
    return [p for p in [*rotated, current] if p.is_file()]


def tail_lines(count: int, directory: Path | None = None) -> list[str]:
    """The last `count` lines across the log files, oldest first."""
    lines: deque[str] = deque(maxlen=count)
    for path in log_files(directory):
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines.extend(line.rstrip("\n") for line in handle)
    return list(lines)
