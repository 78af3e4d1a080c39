"""Background loads where only the newest request matters: a result that arrives after a newer request was made
is dropped, so a slow old load never overwrites what a fast new one showed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tpm_coach.ui.workers import Worker, WorkerPool


class LatestOnly:
    def __init__(self, workers: WorkerPool) -> None:
        self.workers = workers
        self._generation = 0

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Run `fn(*args)` on the pool; `done` or `failed` is called on the GUI thread unless a newer start came."""
        self._generation += 1
        generation = self._generation

        def current() -> bool:
            return generation == self._generation

        worker = Worker(fn, *args)
        worker.signals.finished.connect(lambda result: done(result) if current() else None)
        worker.signals.failed.connect(lambda exc: failed(exc) if current() else None)
        self.workers.start(worker)

    def forget(self) -> None:
        """Drop the result of whatever is running now."""
        self._generation += 1
