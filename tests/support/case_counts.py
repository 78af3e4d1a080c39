"""Printing how many generated or injected cases a test ran, visible even while output is captured."""

from __future__ import annotations

import pytest


def report_cases(config: pytest.Config, label: str, count: int, detail: str = "") -> None:
    line = f"[cases] {label}: {count}" + (f" ({detail})" if detail else "")
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        print("\n" + line, flush=True)
