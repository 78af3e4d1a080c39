"""`tpm-coach doctor`: what works on this machine and what to do about what does not.

`--report FILE` also writes a zip for a bug report: the checks, versions, settings, database health and
the end of the log, with secrets redacted and no transcripts or audio.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tpm_coach.config import Settings, load_settings
from tpm_coach.diagnostics import Check, run_all
from tpm_coach.errors import ConfigError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("doctor", help="check Python, Qt, audio, transcription, LLM and the data folder")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="also write a zip for a bug report (secrets redacted; no transcripts or audio)",
    )
    p.add_argument(
        "--log-lines", type=int, default=500, metavar="N", help="log lines to put in the report (default 500)"
    )
    p.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    settings: Settings | None
    try:
        settings = load_settings()
        checks = run_all(settings)
    except ConfigError as exc:
        if args.report is None:
            raise
        # A broken settings file is exactly what a bug report should capture, so the report is still written.
        settings = None
        checks = [Check("settings", "fail", str(exc)), *run_all(Settings())]
        settings_error: str | None = str(exc)
    else:
        settings_error = None
    if args.json:
        print(json.dumps([asdict(c) for c in checks], indent=2))
    else:
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for check in checks:
            print(f"[{marks[check.status]}] {check.name:<14} {check.detail}")
    if args.report is not None:
        from tpm_coach.maintenance.report import LEFT_OUT, build_report, write_report

        write_report(args.report, build_report(checks, settings, settings_error, log_lines=max(args.log_lines, 0)))
        print(f"wrote the report {args.report}", file=sys.stderr)
        print("left out, for your privacy: " + "; ".join(LEFT_OUT), file=sys.stderr)
    return 1 if any(c.status == "fail" for c in checks) else 0
