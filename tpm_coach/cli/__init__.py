"""The `tpm-coach` subcommands. Each module in COMMAND_MODULES adds its own subparsers."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from tpm_coach import __version__
from tpm_coach.errors import KnownError, ProblemsError
from tpm_coach.logs import setup_logging

COMMAND_MODULES: tuple[str, ...] = (
    "bank",
    "history",
    "doctor",
    "score",
    "rescore",
    "backup",
    "transcribe",
    "llm",
    "interview",
    "stories",
    "session",
    "speech_models",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpm-coach",
        description="Rehearse Technical Program Manager interviews aloud. Run with no arguments for the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"tpm-coach {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"tpm_coach.cli.{name}")
        module.register(subparsers)
    return parser


def run_cli(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except ProblemsError as exc:
        for problem in exc.lines:
            print(problem, file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return 2
    except KnownError as exc:
        print(f"tpm-coach: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
