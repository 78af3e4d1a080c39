"""The marks that let a test start a real server: `audio` for PulseAudio, `llama` for the model server.

`make fast` leaves out tests marked `audio` or `llama`; a launcher started by any other test refuses,
so a missing mark is found at once instead of on a machine without the server. tests/conftest.py says
which marks the running test has; outside pytest (the benches) nothing is said and any launcher may start.
"""

from __future__ import annotations

from collections.abc import Iterable

_running_test_marks: frozenset[str] | None = None


def set_running_test_marks(marks: Iterable[str] | None) -> None:
    global _running_test_marks  # noqa: PLW0603 - one test runs at a time in a pytest process
    _running_test_marks = None if marks is None else frozenset(marks)


def require_mark(mark: str, server: str) -> None:
    if _running_test_marks is not None and mark not in _running_test_marks:
        raise RuntimeError(f"{server} was started by a test not marked `{mark}`: mark it (pytest.mark.{mark})")
