"""The app's label: plain text unless a caller opts into its own markup, and never a control character."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tpm_coach.display_text import display_safe


class PlainLabel(QLabel):
    """A QLabel that does not guess: Qt's default (AutoText) renders any text that looks like HTML.

    A caller that builds markup sets Qt.TextFormat.RichText itself and escapes every outside piece with
    tpm_coach.display_text.escape_html. Whatever the format, control and direction-override characters are
    removed from what is shown.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(display_safe(text), parent)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(display_safe(text))
