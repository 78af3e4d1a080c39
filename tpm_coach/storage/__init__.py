"""Persistence: one SQLite file (sessions, attempts, transcripts, scores) plus audio files beside it."""

from tpm_coach.storage.atomic import atomic_write_bytes
from tpm_coach.storage.db import Database
from tpm_coach.storage.migrations import SCHEMA_VERSION
from tpm_coach.storage.repositories import AttemptRecord, AttemptRepository, SessionRepository, SessionSummary

__all__ = [
    "SCHEMA_VERSION",
    "AttemptRecord",
    "AttemptRepository",
    "Database",
    "SessionRepository",
    "SessionSummary",
    "atomic_write_bytes",
]
