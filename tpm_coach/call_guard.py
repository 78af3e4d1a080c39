"""Ending a blocking HTTP call from outside it: at a wall-clock deadline, or when the app cancels it.

The openai client's timeout applies to each read, so a server that sends a byte now and then keeps a call
going for ever, and a thread blocked in a socket read never looks at a flag. The guard learns the sockets
of its client's connections from httpcore's trace hook and shuts them down, which ends a blocked read in
any thread at once; the call then fails and the guard says why (CallTimedOut or CallCancelled).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx2


class CallCancelled(Exception):
    """The call was cancelled on purpose (the app is closing, say)."""


class CallTimedOut(TimeoutError):
    """The call ran past its deadline of `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete reply within {seconds:g} s")
        self.seconds = seconds


class Cancellation:
    """One switch for many calls, e.g. every call a window started: `cancel()` stops the calls in flight,
    and guards made with it refuse new ones. It holds its guards weakly, so finished ones just go away."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._guards: weakref.WeakSet[CallGuard] = weakref.WeakSet()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            guards = list(self._guards)
        for guard in guards:
            guard.cancel()

    def _add(self, guard: CallGuard) -> bool:
        """Watch `guard`; False when already cancelled (the guard must then cancel itself)."""
        with self._lock:
            if not self._cancelled:
                self._guards.add(guard)
                return True
        return False


class CallGuard:
    """Bounds the calls of one HTTP client: give `on_request` to the client as a request hook, then wrap
    each call in `with guard.call(seconds):`. `cancel()` may be called from any thread."""

    def __init__(self, cancellation: Cancellation | None = None) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._cancelled = threading.Event()
        self._call: object | None = None  # identifies the call in flight, so a late timer cannot cut the next
        self._expired = False
        if cancellation is not None and not cancellation._add(self):
            self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def on_request(self, request: httpx2.Request) -> None:
        """An httpx request hook: asks httpcore to report the connections this request opens."""
        request.extensions["trace"] = self._trace

    def _trace(self, event: str, info: Mapping[str, Any]) -> None:
        # A TLS connection gets a new socket object for the same connection, so both events are watched.
        if not event.endswith(("connect_tcp.complete", "start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.add(sock)
            stopped = self._cancelled.is_set() or self._expired
        if stopped:  # cancelled or expired while this connection was being opened
            _shut(sock)

    def cancel(self) -> None:
        """Stop the call in flight, and any later one."""
        self._cancelled.set()
        self._cut()

    def wait(self, seconds: float) -> None:
        """Sleep, unless cancelled first (for the pause between retries)."""
        self._cancelled.wait(seconds)

    def check(self) -> None:
        if self._cancelled.is_set():
            raise CallCancelled()

    @contextlib.contextmanager
    def call(self, seconds: float) -> Iterator[None]:
        """One call, cut after `seconds` or when cancelled; a cut call raises CallTimedOut or CallCancelled.

        That holds even when the call seemed to end well: a streamed reply without a length simply ends when
        its connection is shut down, and what arrived is then only part of it.
        """
        self.check()
        token = object()
        with self._lock:
            self._call, self._expired = token, False
        timer = threading.Timer(max(seconds, 0.0), self._expire, args=(token,))
        timer.daemon = True
        timer.name = "call-deadline"
        timer.start()
        try:
            yield
        except Exception as exc:
            self._raise_if_cut(seconds, exc)
            raise
        else:
            self._raise_if_cut(seconds, None)
        finally:
            timer.cancel()
            with self._lock:
                self._call = None

    def _raise_if_cut(self, seconds: float, failure: Exception | None) -> None:
        if self._cancelled.is_set():
            raise CallCancelled() from failure
        if self._expired:
            raise CallTimedOut(seconds) from failure

    def _expire(self, token: object) -> None:
        with self._lock:
            if self._call is not token:
                return
            self._expired = True
        self._cut()

    def _cut(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket.shutdown, not the SSL socket's own: that one also drops the TLS state another thread
    # may be reading with. Shutting down the descriptor makes a blocked read return at once.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
