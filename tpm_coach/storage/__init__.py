"""Persistence: one SQLite file (sessions, attempts, transcripts, scores) plus audio files beside it."""

from tpm_coach.domain import AttemptRecord  # re-exported: the UI still imports it from here
from tpm_coach.storage.db import Database
from tpm_coach.storage.migrations import SCHEMA_VERSION
from tpm_coach.storage.repositories import AttemptRepository, SessionRepository, SessionSummary

__all__ = [
    "SCHEMA_VERSION",
    "AttemptRecord",
    "AttemptRepository",
    "Database",
    "SessionRepository",
    "SessionSummary",
]
