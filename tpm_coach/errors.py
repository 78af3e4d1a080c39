"""Typed errors. A `KnownError` carries a message a person can act on; anything else is a defect."""

from __future__ import annotations

from collections.abc import Sequence


class KnownError(Exception):
    """An error the user can do something about: shown as a message, never as a traceback."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class ConfigError(KnownError):
    """The settings file or an environment override is invalid."""


class BankProblem:
    """One problem found in a question bank file: where it is and what is wrong."""

    __slots__ = ("file", "line", "location", "message")

    def __init__(self, file: str, location: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.location = location
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.location:
            where += f": {self.location}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"BankProblem({self!s})"


class ProblemsError(KnownError):
    """A file with several problems: `lines` holds every one as text; the message names the first three. The
    command line prints each on its own line."""

    def __init__(self, problems: Sequence[object], hint: str = "") -> None:
        self.lines = [str(p) for p in problems]
        summary = "; ".join(str(p) for p in problems[:3])
        if len(problems) > 3:
            summary += f" (and {len(problems) - 3} more)"
        super().__init__(summary, hint)


class BankError(ProblemsError):
    """A question bank could not be loaded or saved; `problems` lists every issue found."""

    def __init__(self, problems: list[BankProblem], hint: str = "") -> None:
        self.problems = problems
        super().__init__(problems, hint)


class StorageError(KnownError):
    """The database or a data file cannot be used."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer tpm_coach."""


class DataFolderInUseError(StorageError):
    """Another process (the desktop app, or a command that writes) owns the data folder."""

    def __init__(self, message: str, hint: str = "", *, owner_pid: int | None = None) -> None:
        super().__init__(message, hint)
        self.owner_pid = owner_pid  # the running process the folder's lock file names, when it could be read


class AudioDeviceError(KnownError):
    """No usable microphone, or the device failed while recording."""


class AudioFileError(KnownError):
    """An audio file is missing, corrupt, empty or unreasonable."""


class TranscriptionError(KnownError):
    """The speech-to-text engine could not run."""


class ScoringError(KnownError):
    """An answer could not be scored; the attempt and its transcript are kept."""


class EmptyAnswerError(ScoringError):
    """Nothing (or almost nothing) was said, so there is nothing to score."""


class InsecureTransportError(ScoringError):
    """The API key would travel unencrypted (http://) to another computer, which the user has not allowed.

    `host` is the server's host name, for asking the user and for `tpm_coach.plain_http.allow_plain_http`.
    """

    def __init__(self, message: str, hint: str = "", *, host: str) -> None:
        super().__init__(message, hint)
        self.host = host


class ScoringCancelledError(ScoringError):
    """Scoring was stopped on purpose (the app is closing); the attempt is left as it was."""


class ScoringSupersededError(ScoringError):
    """The attempt was scored again while this scoring ran; the newer outcome was kept and this one dropped."""


class StoryError(ProblemsError):
    """A story file could not be read, validated or saved; `problems` lists every issue, each naming the story
    and the field in words."""

    def __init__(self, problems: list[str], hint: str = "") -> None:
        self.problems = problems
        super().__init__(problems, hint)


class CoachReviewError(KnownError):
    """A coach's review that does not fit the answer: unknown criteria, grades off the scale, stray comments."""
