"""How fast the history view opens with 1,000 past sessions (budget: 300 ms), and the progress view with them.

Creates the sessions (4 scored answers each, spread over two years) through the real repositories in a
temporary data directory, then measures the time from creating the view to its populated table being painted.
Run: .venv/bin/python bench/history.py [--sessions N] [--answers N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

BUDGET_MS = 300.0
_WORDS = ("we", "shipped", "the", "plan", "risk", "owner", "date", "because", "latency", "launch")


def populate(sessions: int, answers: int, seed: int = 7) -> None:
    """Fill the data directory named by TPM_COACH_DATA_DIR with scored sessions."""
    from tpm_coach.context import AppContext
    from tpm_coach.domain import CriterionScore, DeliveryMetrics, ScoreResult, Transcript
    from tpm_coach.scoring.overall import overall_score

    rng = random.Random(seed)
    ctx = AppContext()
    questions = ctx.banks.questions()
    start = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    stamps: list[tuple[str, int]] = []
    try:
        for n in range(sessions):
            session_id = ctx.sessions.create(["default"], title=f"Practice {n + 1}" if n % 3 == 0 else "")
            for _ in range(answers):
                question = rng.choice(questions)
                competency = ctx.banks.competency_for(question)
                attempt_id = ctx.attempts.create(session_id, question, competency)
                ctx.attempts.set_recorded(attempt_id, rng.uniform(40, 180))
                text = " ".join(rng.choice(_WORDS) for _ in range(150))
                ctx.attempts.save_transcript(attempt_id, Transcript(text=text), DeliveryMetrics(word_count=150))
                criteria = [
                    CriterionScore(id=c.id, score=rng.randint(1, 5), rationale="seen in the answer")
                    for c in competency.rubric.criteria
                ]
                result = ScoreResult(
                    overall=overall_score(criteria, competency.rubric),
                    scale_min=1,
                    scale_max=5,
                    criteria=criteria,
                    scorer="offline",
                )
                ctx.attempts.save_score(attempt_id, result)
            ctx.sessions.end(session_id)
            stamps.append(((start + timedelta(hours=17 * n)).isoformat(timespec="milliseconds"), session_id))
        with ctx.database.transaction() as conn:
            conn.executemany("UPDATE sessions SET started_at = ? WHERE id = ?", stamps)
            conn.executemany("UPDATE attempts SET created_at = ? WHERE session_id = ?", stamps)
    finally:
        ctx.close()


def measure(open_view: Callable[[], float], runs: int) -> tuple[float, float]:
    """(first, median of the rest) in milliseconds."""
    first = open_view()
    rest = [open_view() for _ in range(runs)]
    return first, statistics.median(rest)


def use_temporary_data_dir() -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="tpm-bench-history-"))
    os.environ["TPM_COACH_DATA_DIR"] = str(home / "data")
    os.environ["TPM_COACH_CONFIG_DIR"] = str(home / "config")
    return home


def time_views(sessions: int, runs: int) -> dict[str, tuple[float, float]]:
    """Open each view repeatedly in one QApplication; {view: (first ms, median ms)}."""
    from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
    from PySide6.QtWidgets import QApplication, QWidget

    from tpm_coach.context import AppContext
    from tpm_coach.ui.deps import ViewDeps
    from tpm_coach.ui.history.view import HistoryView
    from tpm_coach.ui.messages import MessageSink
    from tpm_coach.ui.progress.view import ProgressView
    from tpm_coach.ui.workers import WorkerPool

    app = QApplication.instance() or QApplication(sys.argv[:1])
    ctx = AppContext()
    ctx.banks  # noqa: B018 - the main window has the banks loaded before any view opens
    messages = MessageSink()
    workers = WorkerPool()
    keep: list[QWidget] = []

    def shown(view: QWidget, refreshed: SignalInstance, start: Callable[[], None]) -> float:
        t0 = time.perf_counter()
        loop = QEventLoop()
        refreshed.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        view.resize(1100, 700)
        view.show()
        start()
        loop.exec()
        view.repaint()  # the populated view is painted before the clock stops
        elapsed = (time.perf_counter() - t0) * 1000
        keep.append(view)
        view.close()
        return elapsed

    def open_history() -> float:
        view = HistoryView(ViewDeps.build(ctx, messages, workers))
        elapsed = shown(view, view.refreshed, view.refresh)
        if view.model.rowCount() != sessions:
            raise SystemExit(f"history shows {view.model.rowCount()} sessions, expected {sessions}")
        return elapsed

    def open_progress() -> float:
        view = ProgressView(ViewDeps.build(ctx, messages, workers))
        return shown(view, view.refreshed, view.refresh)

    try:
        return {
            "history": measure(open_history, runs),
            "progress": measure(open_progress, max(1, runs // 2)),
        }
    finally:
        workers.shutdown()
        ctx.close()
        del app


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--answers", type=int, default=4, help="answers per session")
    parser.add_argument("--runs", type=int, default=5, help="repeat opens after the first")
    args = parser.parse_args()

    use_temporary_data_dir()
    started = time.perf_counter()
    populate(args.sessions, args.answers)
    took = time.perf_counter() - started
    print(f"created {args.sessions:,} sessions x {args.answers} scored answers in {took:.1f} s")
    results = time_views(args.sessions, args.runs)

    history_first, history_median = results["history"]
    progress_first, progress_median = results["progress"]
    print()
    print(f"{'view':<34}{'first ms':>10}{'median ms':>11}{'budget ms':>11}{'ratio':>8}")
    name = f"history, {args.sessions:,} sessions"
    print(f"{name:<34}{history_first:>10.0f}{history_median:>11.0f}{BUDGET_MS:>11.0f}{history_first / BUDGET_MS:>8.2f}")
    print(f"{'progress (in a worker, no budget)':<34}{progress_first:>10.0f}{progress_median:>11.0f}{'-':>11}{'-':>8}")
    print("\nratio = first open / budget; below 1.00 meets the budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
