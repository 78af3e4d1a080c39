"""The message area at the top of the window: every notice and error the user must see, with its actions."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tpm_coach.ui.messages import Message, MessageSink
from tpm_coach.ui.widgets.plain_label import PlainLabel

log = logging.getLogger(__name__)

MAX_VISIBLE = 2  # more rows push the page too far down; the log keeps every message
INFO_LINGER_MS = 8000


class MessageRow(QFrame):
    def __init__(self, message: Message, bar: MessageBar) -> None:
        super().__init__(bar)
        self.message = message
        self.setObjectName("MessageRow")
        self.setProperty("level", message.level)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(10)
        badge = PlainLabel({"error": "!", "warning": "!", "info": "i"}.get(message.level, "i"), self)
        badge.setObjectName("MessageBadge")
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        badge.setFixedSize(20, 20)
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        # Messages quote servers, files and banks: shown as plain text.
        self.text = PlainLabel(message.text, self)
        self.text.setObjectName("MessageText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.buttons: list[QPushButton] = []
        for label, action in message.actions:
            button = QPushButton(label, self)
            button.setObjectName("MessageAction")
            button.clicked.connect(lambda _=False, act=action: bar.run_action(self, act))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self.buttons.append(button)
        close = QPushButton("✕", self)
        close.setObjectName("MessageClose")
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.setFixedSize(26, 26)
        close.clicked.connect(lambda: bar.dismiss(self))
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)


class MessageBar(QWidget):
    """Shows the newest messages first; info notes fade after a few seconds, errors stay until dismissed."""

    def __init__(self, sink: MessageSink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.rows: list[MessageRow] = []
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self._expire_info)
        self.setVisible(False)
        self._sink: MessageSink | None = sink
        sink.attach(self.show_message)

    def show_message(self, message: Message) -> None:
        # The same text again replaces the older row instead of stacking duplicates, and a note replaces the
        # notes before it (errors and warnings stay until dismissed), so messages do not pile up over the page.
        for row in [
            r
            for r in self.rows
            if r.message.text == message.text or (message.level == "info" and r.message.level == "info")
        ]:
            self._remove(row)
        row = MessageRow(message, self)
        self.rows.insert(0, row)
        self._layout.insertWidget(0, row)
        for extra in self.rows[MAX_VISIBLE:]:
            self._remove(extra)
        if message.level == "info":
            self._expiry.start(INFO_LINGER_MS)
        self.setVisible(True)

    def run_action(self, row: MessageRow, action: object) -> None:
        self.dismiss(row)
        if callable(action):
            action()

    def dismiss(self, row: MessageRow) -> None:
        self._remove(row)
        self.setVisible(bool(self.rows))

    def clear(self) -> None:
        for row in list(self.rows):
            self._remove(row)
        self.setVisible(False)

    def _remove(self, row: MessageRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
        row.hide()
        self._layout.removeWidget(row)
        row.deleteLater()

    def _expire_info(self) -> None:
        for row in [r for r in self.rows if r.message.level == "info"]:
            self._remove(row)
        self.setVisible(bool(self.rows))

    def stop(self) -> None:
        """The window is closing: later messages wait for the next window instead of going nowhere."""
        self._expiry.stop()
        if self._sink is not None:
            self._sink.detach(self.show_message)
            self._sink = None

    def texts(self) -> list[str]:
        return [r.message.text for r in self.rows]
