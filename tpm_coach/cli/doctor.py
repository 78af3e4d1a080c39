"""`tpm-coach doctor`: what works on this machine and what to do about what does not."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from tpm_coach.config import load_settings
from tpm_coach.diagnostics import run_all


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("doctor", help="check Python, Qt, audio, transcription, LLM and the data folder")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    checks = run_all(load_settings())
    if args.json:
        print(json.dumps([asdict(c) for c in checks], indent=2))
    else:
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for check in checks:
            print(f"[{marks[check.status]}] {check.name:<14} {check.detail}")
    return 1 if any(c.status == "fail" for c in checks) else 0
