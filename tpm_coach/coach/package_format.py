"""The session package format: one zip with a manifest, session.json and (optionally) the recordings.

Layout:
    manifest.json   format, version, sender, and every other member with its size and sha256
    session.json    the session, each answer's question and rubric snapshot, transcript, every app score (judge,
                    model, prompt version), and the coach's review when there is one
    audio/NNN.wav   recordings, named by the answer's position
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tpm_coach.domain import AttemptStatus, CoachReview, Competency, DeliveryMetrics, Question, ScoreResult, Transcript
from tpm_coach.maintenance.archive import ArchiveRefusedError, FileEntry, Limits, unsafe_name_problem
from tpm_coach.maintenance.checked_zip import ArchiveRules

FORMAT_NAME = "tpm_coach-session"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SESSION_NAME = "session.json"
AUDIO_FOLDER = "audio"
SUFFIX = ".tpmsession"
MAX_ANSWERS = 500

NOT_INCLUDED = ("your other sessions", "settings and the LLM API key", "question banks (each answer carries its own)")


class PackageRefusedError(ArchiveRefusedError):
    """A session package was not imported; `reason` says why, and nothing was added to the data."""


def allowed_member(name: str) -> bool:
    first, _, rest = name.partition("/")
    return name == SESSION_NAME or (first == AUDIO_FOLDER and bool(rest) and "/" not in rest)


RULES = ArchiveRules(
    what="session package",
    manifest_name=MANIFEST_NAME,
    folders=(AUDIO_FOLDER,),
    allowed=allowed_member,
    allowed_text="a session package holds only session.json and recordings in audio/",
    error=PackageRefusedError,
)

# A package is one session: far below a backup's bounds, so a hostile one is refused before it costs much.
DEFAULT_LIMITS = Limits(max_members=2 * MAX_ANSWERS + 2, max_total_bytes=4 * 1024**3, max_manifest_bytes=8 * 1024**2)
MAX_SESSION_JSON_BYTES = 256 * 1024**2


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackageManifest(_Model):
    format: Literal["tpm_coach-session"]
    format_version: int
    app_version: str
    created_at: str
    sender: str = Field(max_length=200)
    files: list[FileEntry]
    not_included: list[str] = Field(default_factory=list)


class PackagedScore(_Model):
    result: ScoreResult
    created_at: str
    current: bool


class PackagedAnswer(_Model):
    question: Question
    competency: Competency
    answer_mode: Literal["spoken", "typed"]
    status: AttemptStatus
    status_reason: str = ""
    duration_s: float | None = Field(default=None, ge=0)
    created_at: str
    audio: str | None = None
    transcript: Transcript | None = None
    transcript_created_at: str = ""
    metrics: DeliveryMetrics | None = None
    scores: list[PackagedScore] = Field(default_factory=list, max_length=100)
    review: CoachReview | None = None


class PackagedSession(_Model):
    title: str
    started_at: str
    ended_at: str | None = None
    bank_ids: list[str] = Field(default_factory=list)


class SessionDocument(_Model):
    session: PackagedSession
    answers: list[PackagedAnswer] = Field(min_length=1, max_length=MAX_ANSWERS)


def audio_member(position: int, suffix: str) -> str:
    """The member name of the recording of the answer at `position` (0-based)."""
    clean = suffix.lower() if suffix and unsafe_name_problem(f"x{suffix}") is None and "/" not in suffix else ".wav"
    return f"{AUDIO_FOLDER}/{position + 1:03d}{clean}"
