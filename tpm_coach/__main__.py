"""`tpm-coach`: the desktop app with no arguments, headless subcommands otherwise."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        from tpm_coach.ui.app import run_gui

        return run_gui()
    from tpm_coach.cli import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
