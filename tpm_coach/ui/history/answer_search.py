"""Searches what was asked and said (the full-text index) as the History search text changes, off the GUI thread."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from tpm_coach.history import search_session_ids
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.workers import WorkerPool

log = logging.getLogger(__name__)

_PAUSE_MS = 150  # wait for a pause in typing rather than query per key


class AnswerSearch(QObject):
    matched = Signal(str, object)  # the text searched, the set of matching session ids

    def __init__(self, workers: WorkerPool, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._latest = LatestOnly(workers)
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_PAUSE_MS)
        self._timer.timeout.connect(self._run)

    def search(self, text: str, *, again: bool = False) -> None:
        """Search for `text` after a pause in typing; `again` repeats an unchanged search (the sessions changed)."""
        if text.strip() == self._text.strip() and not again:
            return
        self._text = text
        if not text.split():
            self._timer.stop()
            self._latest.forget()
            self.matched.emit(text, set())
            return
        self._timer.start()

    def _run(self) -> None:
        text = self._text
        self._latest.start(
            search_session_ids,
            self._database,
            text,
            done=lambda ids: self.matched.emit(text, ids),
            # Titles, skills and dates still filter in the table; only the answers' words go unsearched.
            failed=lambda exc: log.warning("searching answers for %r failed: %s", text, exc),
        )

    def stop(self) -> None:
        self._timer.stop()
        self._latest.forget()
