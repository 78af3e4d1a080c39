"""Launch to interactive window (budget: 1.5 s), and how responsive the window stays while models load.

Each run starts a fresh Python process (cold imports, as a user would) with empty data and config folders,
launches the app exactly as `tpm-coach` does, and reports:
- interactive: from process start to the first event-loop turn after the window is shown;
- worst stall: the longest gap a 5 ms QTimer saw in the 3 s after that (and until the banks are listed),
  while the speech model and the banks load;
- banks listed: from process start to the practice page listing the banks (read behind the window).
With `--questions N ...`, each size is measured in turn: a generated bank of N questions is written into the
data folder and made active (0: only the built-in bank).
Run: .venv/bin/python bench/startup.py [--runs N] [--questions 0 15000]   (QT_QPA_PLATFORM defaults to offscreen)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 1.5
STALL_BUDGET_MS = 50.0
PROBE_MS = 5
WATCH_S = 3.0
BANKS_WAIT_S = 120.0  # how long a run waits for a large bank to be listed
BANK_ID = "bench"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages come from this checkout


def child() -> int:
    """Runs in the measured process: launch, note when the loop first turns, probe for stalls, quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tpm_coach.ui.app import launch

    launched = launch(["tpm-coach"])
    if isinstance(launched, int):
        return launched
    app: QApplication = launched.app
    marks: dict[str, float] = {}
    gaps: list[float] = []
    probe = QTimer()
    probe.setInterval(PROBE_MS)

    def tick() -> None:
        now = time.monotonic()
        if "last" in marks:
            gaps.append((now - marks["last"]) * 1000)
        marks["last"] = now
        if "banks" not in marks and launched.shell.window.library is not None:
            marks["banks"] = now
        watched = now - marks["interactive"]
        if (watched > WATCH_S and "banks" in marks) or watched > BANKS_WAIT_S:
            probe.stop()
            app.quit()

    def first_turn() -> None:
        marks["interactive"] = time.monotonic()
        window = launched.shell.window
        marks["visible"] = float(window.isVisible())
        probe.start()

    probe.timeout.connect(tick)
    QTimer.singleShot(0, first_turn)
    app.exec()
    status = launched.shell.window.model_status.text()
    launched.shell.stop()
    launched.reporter.uninstall()
    result = {
        "interactive": marks["interactive"],
        "visible": marks["visible"],
        "gaps_ms": gaps,
        "model": status,
        "banks": marks.get("banks"),
    }
    print(json.dumps(result))
    return 0


def write_bank(folder: Path, questions: int) -> None:
    """A generated bank of `questions` questions in the data folder, made active in the settings file."""
    from tests.support.banks import large_bank_yaml
    from tpm_coach.config import Settings, save_settings

    banks = folder / "data" / "banks"
    banks.mkdir(parents=True)
    (banks / f"{BANK_ID}.yaml").write_text(large_bank_yaml(BANK_ID, questions), encoding="utf-8")
    save_settings(Settings(active_banks=["default", BANK_ID]), folder / "config" / "config.toml")


def run_once(questions: int) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory(prefix="tpm-coach-bench-") as folder:
        if questions:
            write_bank(Path(folder), questions)
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.update(
            TPM_COACH_DATA_DIR=f"{folder}/data",
            TPM_COACH_CONFIG_DIR=f"{folder}/config",
            TPM_COACH_LOG_DIR=f"{folder}/logs",
            HF_HUB_OFFLINE="1",
        )
        started = time.monotonic()  # CLOCK_MONOTONIC is system-wide, so the child's stamps compare
        done = subprocess.run(
            [sys.executable, __file__, "--child"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=BANKS_WAIT_S + 60,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"the app did not start:\n{done.stderr[-2000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    gaps = result["gaps_ms"] or [0.0]
    if result["banks"] is None:
        raise SystemExit(f"the banks were not listed within {BANKS_WAIT_S:.0f} s")
    return {
        "interactive_s": result["interactive"] - started,
        "worst_stall_ms": max(max(gaps) - PROBE_MS, 0.0),
        "banks_s": result["banks"] - started,
        "model": result["model"],
    }


def row(name: str, values: list[float], budget: float, unit: str) -> str:
    median, worst = statistics.median(values), max(values)
    digits = 3 if unit == "s" else 1
    ratio = f"{worst / budget:>8.2f}" if budget else f"{'':>8}"
    budget_text = f"{budget:>10.{digits}f}" if budget else f"{'-':>10}"
    return f"{name + f' ({unit})':<56}{median:>10.{digits}f}{worst:>10.{digits}f}{budget_text}{ratio}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--questions",
        type=int,
        nargs="+",
        default=[0],
        metavar="N",
        help="also write an active generated bank of N questions (0: none); each N is measured in turn",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child()
    print(f"{'measure':<56}{'median':>10}{'worst':>10}{'budget':>10}{'ratio':>8}")
    worst_interactive = 0.0
    for questions in args.questions:
        runs = [run_once(questions) for _ in range(args.runs)]
        bank = f"{questions:,} questions" if questions else "built-in bank only"
        interactive = [float(r["interactive_s"]) for r in runs]
        worst_interactive = max(worst_interactive, *interactive)
        print(row(f"launch -> interactive window, {bank}", interactive, BUDGET_S, "s"))
        print(
            row(f"worst stall while loading, {bank}", [float(r["worst_stall_ms"]) for r in runs], STALL_BUDGET_MS, "ms")
        )
        print(row(f"launch -> banks listed, {bank}", [float(r["banks_s"]) for r in runs], 0.0, "s"))
    print(f"runs per size: {args.runs}; speech model after {WATCH_S:.0f} s: {runs[-1]['model']}")
    return 0 if worst_interactive <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
