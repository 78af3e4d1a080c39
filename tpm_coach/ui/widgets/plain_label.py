"""The app's label: plain text unless a caller opts into its own markup, and never a control character."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

from tpm_coach.display_text import display_safe

# Events after which a label's text lays out differently.
_RELAYOUT_EVENTS = {
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
    QEvent.Type.ContentsRectChange,
    QEvent.Type.LayoutDirectionChange,
}


class PlainLabel(QLabel):
    """A QLabel that does not guess: Qt's default (AutoText) renders any text that looks like HTML.

    A caller that builds markup sets Qt.TextFormat.RichText itself and escapes every outside piece with
    tpm_coach.display_text.escape_html. Whatever the format, control and direction-override characters are
    removed from what is shown.

    A wrapped label's height for a width is remembered until its text or font changes: QLabel lays the whole
    text out again on every call, and the nested layouts of a feedback page ask about a hundred times while
    showing it, which cost a 50 ms stall of the window.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        self._heights: dict[int, int] = {}
        super().__init__(display_safe(text), parent)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        self._heights.clear()
        super().setText(display_safe(text))

    def setTextFormat(self, text_format: Qt.TextFormat) -> None:
        self._heights.clear()
        super().setTextFormat(text_format)

    def setWordWrap(self, on: bool) -> None:
        self._heights.clear()
        super().setWordWrap(on)

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RELAYOUT_EVENTS:
            self._heights.clear()
        super().changeEvent(event)
