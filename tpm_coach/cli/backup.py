"""`tpm-coach backup` and `tpm-coach restore`: one archive with the database, recordings and your banks."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from tpm_coach.config import load_settings
from tpm_coach.maintenance import create_backup, restore_backup, verify_backup
from tpm_coach.maintenance.archive import NOT_INCLUDED, Manifest
from tpm_coach.storage.instance_lock import lock_data_folder


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "backup",
        help="write one archive with your sessions, recordings and banks",
        description="Write one zip with the database (a consistent copy, even while the app runs), the "
        "recordings and your question banks. The API key is never included.",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write it (default: tpm_coach-backup-DATE-TIME.zip beside the data folder)",
    )
    p.set_defaults(handler=_backup)

    p = subparsers.add_parser(
        "restore",
        help="replace your data with a backup (your current data is kept aside)",
        description="Check a backup completely, then replace the data folder with it. The current data "
        "folder is renamed, not deleted. Close the desktop app first.",
    )
    p.add_argument("archive", type=Path, metavar="FILE")
    p.add_argument("--check", action="store_true", help="only verify the backup; change nothing")
    p.set_defaults(handler=_restore)


def _describe(manifest: Manifest) -> str:
    return (
        f"made {manifest.created_at} by tpm_coach {manifest.app_version}: database schema "
        f"{manifest.schema_version}, {manifest.count('audio')} recordings, {manifest.count('banks')} bank files, "
        f"{manifest.total_bytes / 1_048_576:,.1f} MB"
    )


def _backup(args: argparse.Namespace) -> int:
    result = create_backup(load_settings().data_paths(), args.output)
    print(f"wrote {result.path}")
    print(f"  {_describe(result.manifest)}")
    print("  not included: " + "; ".join(NOT_INCLUDED))
    for name in result.skipped:
        print(f"  skipped {name}: not a regular file")
    return 0


def _restore(args: argparse.Namespace) -> int:
    data_paths = load_settings().data_paths()
    if args.check:
        manifest = verify_backup(args.archive, scratch_parent=data_paths.root.expanduser().resolve().parent)
        print(f"{args.archive} is a sound backup, {_describe(manifest)}")
        return 0
    # Refused while the desktop app owns the folder: it must not have its data swapped under it.
    owning = lock_data_folder(data_paths.root) if data_paths.root.expanduser().is_dir() else contextlib.nullcontext()
    with owning:
        result = restore_backup(args.archive, data_paths)
    print(f"restored {args.archive} into {result.root}")
    print(f"  {_describe(result.manifest)}")
    if result.previous is not None:
        print(f"  your previous data is kept in {result.previous} (delete it when you no longer need it)")
    return 0
