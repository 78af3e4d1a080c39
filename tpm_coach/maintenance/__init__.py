"""Keeping the user's data safe: backups, verified restores, the start-up database check, bug reports."""

from tpm_coach.maintenance.archive import Limits, Manifest, RefusalReason, RestoreRefusedError
from tpm_coach.maintenance.backup import BackupInfo, BackupResult, create_backup, describe_backup, list_backups
from tpm_coach.maintenance.health import DatabaseHealth, DatabaseState, check_database
from tpm_coach.maintenance.restore import RestoreResult, kept_folders, restore_backup, verify_backup

__all__ = [
    "BackupInfo",
    "BackupResult",
    "DatabaseHealth",
    "DatabaseState",
    "Limits",
    "Manifest",
    "RefusalReason",
    "RestoreRefusedError",
    "RestoreResult",
    "check_database",
    "create_backup",
    "describe_backup",
    "kept_folders",
    "list_backups",
    "restore_backup",
    "verify_backup",
]
