"""The practice controller's TaskRunner on Qt: jobs on the WorkerPool, callbacks on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from tpm_coach.ui.workers import Worker, WorkerPool

log = logging.getLogger(__name__)


class QtTaskRunner(QObject):
    """`post` may be called from any thread; the queued signal lands on the thread this object lives in."""

    _call = Signal(object)

    def __init__(self, workers: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self._closed = False
        self._call.connect(self._run)

    def close(self) -> None:
        """Drop callbacks from now on (the window is going away)."""
        self._closed = True

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        if not self._closed:
            fn()

    def post(self, fn: Callable[[], None]) -> None:
        self._call.emit(fn)

    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        *,
        serial: bool = False,
    ) -> Worker:
        def run(*, cancel: object, progress: object) -> Any:
            return job()

        worker = Worker(run)
        # The worker's signals are emitted on the pool thread; routing them through `post`
        # guarantees the callbacks run on this object's (the GUI) thread.
        worker.signals.finished.connect(lambda result: self.post(lambda: on_done(result)))
        worker.signals.failed.connect(lambda exc: self.post(lambda: on_error(exc)))
        return self.workers.start(worker, serial=serial)
