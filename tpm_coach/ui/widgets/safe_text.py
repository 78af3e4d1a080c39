"""Outside text in Qt's rich-text places: a text browser that never loads a resource or follows a link, and
tooltips that show their text as written."""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from tpm_coach.display_text import escape_html


@functools.cache
def _blank_image() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image


class SafeTextBrowser(QTextBrowser):
    """A QTextBrowser that refuses every resource (images, style sheets, local or remote) and link.

    Everything it shows is markup the app builds around escaped text (report pages, highlighted transcripts),
    so nothing should ask for a resource; refusing them all makes sure a crafted transcript can never make the
    app fetch or read a file.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.refused: list[str] = []  # what was asked for, for diagnosis

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        self.refused.append(name.toString() if isinstance(name, QUrl) else name)
        # Never None or an empty image: on those, Qt falls back to reading a local file by itself.
        if int(kind) == QTextDocument.ResourceType.ImageResource.value:
            return _blank_image()
        return QByteArray(b" ")


def tooltip(text: str) -> str:
    """A tooltip that shows `text` as written.

    Qt guesses every tooltip's format from its first line, so outside text could be rendered as HTML; the text
    is escaped into a paragraph of rich text instead (which also wraps long lines).
    """
    if not text.strip():
        return ""
    return f'<p style="white-space:pre-wrap">{escape_html(text)}</p>'
