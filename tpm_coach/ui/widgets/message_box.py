"""Questions in a modal message box whose text is never read as HTML (it often names a bank or a file)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from tpm_coach.display_text import display_safe

_Button = QMessageBox.StandardButton


def plain_message_box(
    icon: QMessageBox.Icon, title: str, text: str, buttons: _Button, parent: QWidget | None = None
) -> QMessageBox:
    """QMessageBox's static helpers guess the text format from the text; this box shows it as written."""
    box = QMessageBox(icon, title, display_safe(text), buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: _Button = _Button.Yes | _Button.No,
    default: _Button = _Button.NoButton,
) -> _Button:
    """Like QMessageBox.question: wait for the answer and return the button clicked."""
    box = plain_message_box(QMessageBox.Icon.Question, title, text, buttons, parent)
    if default != _Button.NoButton:
        box.setDefaultButton(default)
    return _Button(box.exec())
