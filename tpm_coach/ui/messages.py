"""The one place errors and notices reach the user: views post here, the main window shows them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from tpm_coach.errors import KnownError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    level: str  # "info" | "warning" | "error"
    text: str
    action_label: str = ""
    action: Callable[[], object] | None = None  # what it returns is ignored
    more_actions: tuple[tuple[str, Callable[[], object]], ...] = ()

    @property
    def actions(self) -> list[tuple[str, Callable[[], object]]]:
        first = [(self.action_label, self.action)] if self.action is not None and self.action_label else []
        return first + list(self.more_actions)


class MessageSink(QObject):
    """Buffers messages until a window is listening, so start-up problems are not lost."""

    posted = Signal(object)  # Message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[Message] = []
        self._listening = False
        self.history: list[Message] = []

    def attach(self, receiver: Callable[[Message], None]) -> None:
        self.posted.connect(receiver)
        self._listening = True
        pending, self._pending = self._pending, []
        for message in pending:
            self.posted.emit(message)

    def detach(self, receiver: Callable[[Message], None]) -> None:
        """Stop delivering to `receiver`; messages are buffered again until the next `attach`."""
        self.posted.disconnect(receiver)
        self._listening = False

    def post(self, message: Message) -> None:
        self.history.append(message)
        getattr(log, message.level if message.level != "warning" else "warning", log.info)(message.text)
        if self._listening:
            self.posted.emit(message)
        else:
            self._pending.append(message)

    def info(self, text: str) -> None:
        self.post(Message("info", text))

    def error(
        self,
        error: KnownError | str,
        action_label: str = "",
        action: Callable[[], object] | None = None,
        more_actions: tuple[tuple[str, Callable[[], object]], ...] = (),
    ) -> None:
        text = str(error) if isinstance(error, KnownError) else error
        self.post(Message("error", text, action_label, action, more_actions))

    def warning(self, text: str, action_label: str = "", action: Callable[[], object] | None = None) -> None:
        self.post(Message("warning", text, action_label, action))
