"""Reading questions aloud with QtTextToSpeech, on its own thread, giving up quietly when no engine answers.

Creating a speech engine can take over a second (speech-dispatcher starts up) and some engines stay in
`Speaking` forever without a sound server, so the engine lives on a separate thread and every request
has a deadline.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

log = logging.getLogger(__name__)

_BASE_TIMEOUT_MS = 4000
_PER_WORD_MS = 600  # slow speech is ~100 words/min


class _Backend(QObject):
    """Lives on the speech thread; owns the QTextToSpeech object."""

    state = Signal(str)  # "speaking" | "ready" | "error" | "unavailable"

    def __init__(self, engine: str | None) -> None:
        super().__init__()
        self._engine_name = engine
        self._tts: Any = None
        self._failed = False

    def _engine(self) -> Any:
        if self._tts is None and not self._failed:
            try:
                from PySide6.QtTextToSpeech import QTextToSpeech

                engines = QTextToSpeech.availableEngines()
                name = self._engine_name
                if name is None:
                    name = next((e for e in engines if e != "mock"), None)
                if name is None or name not in engines:
                    self._failed = True
                    return None
                self._tts = QTextToSpeech(name, self)
                self._tts.stateChanged.connect(self._on_state)
            except Exception:
                log.exception("the text-to-speech engine could not be created")
                self._failed = True
        return self._tts

    def _on_state(self, state: Any) -> None:
        name = getattr(state, "name", str(state))
        if name == "Speaking":
            self.state.emit("speaking")
        elif name == "Ready":
            self.state.emit("ready")
        elif name == "Error":
            self.state.emit("error")

    @Slot(str)
    def say(self, text: str) -> None:
        tts = self._engine()
        if tts is None:
            self.state.emit("unavailable")
            return
        tts.say(text)

    @Slot()
    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()


class Speaker(QObject):
    """`speak(text)`; `finished` is emitted when speech ends, fails, or runs past its deadline."""

    finished = Signal()
    unavailable = Signal()
    _say = Signal(str)
    _stop = Signal()

    def __init__(self, engine: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.base_timeout_ms = _BASE_TIMEOUT_MS
        self.per_word_ms = _PER_WORD_MS
        self._thread: QThread | None = None
        self._backend: _Backend | None = None
        self.speaking = False
        self.available: bool | None = None  # unknown until the first request
        self.timed_out = 0
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._timed_out)

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        self._thread = QThread()
        self._thread.setObjectName("text-to-speech")
        self._backend = _Backend(self._engine)
        self._backend.moveToThread(self._thread)
        self._say.connect(self._backend.say)
        self._stop.connect(self._backend.stop)
        self._backend.state.connect(self._on_state)
        self._thread.finished.connect(self._backend.deleteLater)
        self._thread.start()

    def speak(self, text: str) -> None:
        if self.available is False:
            return
        self._ensure_thread()
        self.speaking = True
        self._deadline.start(self.base_timeout_ms + self.per_word_ms * len(text.split()))
        self._say.emit(text)

    def stop(self) -> None:
        self._deadline.stop()
        if self.speaking:
            self._stop.emit()
        self._end()

    @Slot(str)
    def _on_state(self, state: str) -> None:
        if state == "unavailable":
            self.available = False
            self.unavailable.emit()
            self._deadline.stop()
            self._end()
        elif state == "speaking":
            self.available = True
        elif state in ("ready", "error") and self.speaking:
            self._deadline.stop()
            self._end()

    def _timed_out(self) -> None:
        log.info("text-to-speech did not finish in time; giving up on this question")
        self.timed_out += 1
        self._stop.emit()
        self._end()

    def _end(self) -> None:
        if self.speaking:
            self.speaking = False
            self.finished.emit()

    def close(self) -> None:
        self._deadline.stop()
        if self._thread is not None:
            self._stop.emit()
            self._thread.quit()
            if not self._thread.wait(3000):
                log.warning("the text-to-speech thread did not stop in time")
            self._thread = None
            self._backend = None
