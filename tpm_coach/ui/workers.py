"""Background work for the GUI: a QRunnable that runs a plain function and reports through signals.

Cancellation is cooperative: the function receives a `threading.Event` it should check between steps.
"""

from __future__ import annotations

import logging
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from tpm_coach.errors import KnownError

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    progress = Signal(object)
    finished = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception
    done = Signal()  # after finished or failed


class Worker(QRunnable):
    """Runs `fn(*args, cancel=<Event>, progress=<callable>, **kwargs)` on a pool thread."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.cancel_event = threading.Event()
        self.signals = WorkerSignals()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, cancel=self.cancel_event, progress=self.signals.progress.emit, **self.kwargs)
        except Exception as exc:  # every failure is reported to the GUI, never lost in a thread
            if not isinstance(exc, KnownError):
                log.error("background task failed:\n%s", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()


class WorkerPool:
    """Owns the thread pools and the live workers so shutdown can cancel and wait for all of them.

    `serial` has one thread: model loading and transcription share one loaded model.
    """

    instances: ClassVar[weakref.WeakSet[WorkerPool]] = weakref.WeakSet()

    def __init__(self) -> None:
        self.general = QThreadPool()
        self.general.setMaxThreadCount(4)
        self.serial = QThreadPool()
        self.serial.setMaxThreadCount(1)
        self._live: set[Worker] = set()
        WorkerPool.instances.add(self)

    def active_count(self) -> int:
        """Tasks running now on either pool."""
        return self.general.activeThreadCount() + self.serial.activeThreadCount()

    def start(self, worker: Worker, *, serial: bool = False) -> Worker:
        self._live.add(worker)
        worker.signals.done.connect(lambda: self._live.discard(worker))
        (self.serial if serial else self.general).start(worker)
        return worker

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        for worker in list(self._live):
            worker.cancel()
        return self.general.waitForDone(timeout_ms) and self.serial.waitForDone(timeout_ms)
