"""Reading the bank library on a worker thread, so a window can show before a large bank has loaded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

from tpm_coach.banks.library import BankLibrary

ReadyCallback = Callable[["Future[BankLibrary]"], None]


class BankPreload:
    """One read of the library: started on a worker with `start()`, or done in the caller by `library()`.

    `when_ready` callbacks run on the worker thread as soon as the read ends (at once, in the caller's
    thread, if it already has); they get the future, whose `result()` is the library or raises what the
    read raised. A GUI hands them to its own thread before touching widgets.
    """

    def __init__(self, build: Callable[[], BankLibrary]) -> None:
        self._build = build
        self._future: Future[BankLibrary] = Future()
        self._thread: threading.Thread | None = None
        self._claimed = threading.Lock()
        self._taken = False

    def start(self) -> None:
        """Begin reading on a worker thread; calling it again (or after `library()`) does nothing."""
        if self._take():
            self._thread = threading.Thread(target=self._run, name="bank-preload", daemon=True)
            self._thread.start()

    @property
    def ready(self) -> bool:
        return self._future.done()

    def when_ready(self, callback: ReadyCallback) -> None:
        self._future.add_done_callback(callback)

    def library(self, timeout: float | None = None) -> BankLibrary:
        """The library: waits for a read in progress, or reads it now if none was started."""
        if self._take():
            self._run()
        return self._future.result(timeout)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the worker to end (at shutdown: no thread is left running)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _take(self) -> bool:
        with self._claimed:
            taken, self._taken = self._taken, True
        return not taken

    def _run(self) -> None:
        try:
            library = self._build()
        except BaseException as exc:
            self._future.set_exception(exc)
        else:
            self._future.set_result(library)
