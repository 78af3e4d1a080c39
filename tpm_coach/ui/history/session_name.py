"""Renaming the open session in place: "Rename" turns its title into a text field; Enter keeps, Esc drops."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from tpm_coach.errors import KnownError
from tpm_coach.practice.naming import MAX_TITLE_CHARS, clean_title
from tpm_coach.storage import Database
from tpm_coach.storage.session_names import rename_session
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button


class _NameField(QLineEdit):
    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class SessionNameEditor(QWidget):
    renamed = Signal(int, str)  # session id, the new name (stored)

    def __init__(self, database: Callable[[], Database], messages: MessageSink, parent: QWidget | None = None) -> None:
        """`database` gives the app's open database when a name is stored (it is not opened before)."""
        super().__init__(parent)
        self._database = database
        self._messages = messages
        self._session_id: int | None = None
        self.field = _NameField(self)
        self.field.setMaxLength(MAX_TITLE_CHARS)
        self.field.setPlaceholderText("Session name")
        self.field.setAccessibleName("Session name")
        self.field.setVisible(False)
        self.rename_button = button("Rename…", "", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.rename_button)
        self.rename_button.clicked.connect(self.begin)
        self.field.returnPressed.connect(self.commit)
        self.field.cancelled.connect(self.cancel)

    @property
    def editing(self) -> bool:
        return not self.field.isHidden()

    def set_session(self, session_id: int | None, title: str) -> None:
        self._session_id = session_id
        self.field.setText(title)
        self.cancel()

    def begin(self) -> None:
        if self._session_id is None:
            return
        self.field.setVisible(True)
        self.rename_button.setVisible(False)
        self.field.selectAll()
        self.field.setFocus()

    def cancel(self) -> None:
        self.field.setVisible(False)
        self.rename_button.setVisible(True)

    def commit(self) -> None:
        if self._session_id is None:
            return
        try:
            title = clean_title(self.field.text())
            rename_session(self._database(), self._session_id, title)  # one short UPDATE: fine on this thread
        except KnownError as exc:
            self._messages.error(exc)
            return
        self.cancel()
        self.renamed.emit(self._session_id, title)
