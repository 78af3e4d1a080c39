"""Qt helpers for the history, progress and bank editor tests: fixtures' building blocks and modal dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget


def when_modal(act: Callable[[QWidget], bool], tries: int = 500) -> list[str]:
    """Run `act` on the next modal window once it is up (polling the event loop, never sleeping).

    `act` returns True once it handled the window. The returned list receives the window's text or title,
    so a test can check what the user was asked.
    """
    seen: list[str] = []

    def attempt(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and act(widget):
            seen.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
            return
        if left:
            QTimer.singleShot(10, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(tries))
    return seen


def answer_message_box(button: QMessageBox.StandardButton) -> list[str]:
    """Click `button` in the next modal message box (e.g. a delete confirmation)."""

    def click(widget: QWidget) -> bool:
        if not isinstance(widget, QMessageBox):
            return False
        target = widget.button(button)
        if target is None:
            raise AssertionError(f"the message box {widget.text()!r} has no {button} button")
        target.click()
        return True

    return when_modal(click)


def accept_dialog(kind: type[QDialog], fill: Callable[[QDialog], None]) -> list[str]:
    """Fill in and accept the next modal dialog of type `kind`."""

    def handle(widget: QWidget) -> bool:
        if not isinstance(widget, kind):
            return False
        fill(widget)
        widget.accept()
        return True

    return when_modal(handle)
