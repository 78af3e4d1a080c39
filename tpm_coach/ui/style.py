"""The look: the stylesheet from assets/style.qss, tinted SVG icons, and small widget helpers."""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from tpm_coach import paths
from tpm_coach.ui.widgets.plain_label import PlainLabel

log = logging.getLogger(__name__)

INK = "#111827"
MUTED = "#6b7280"
ACCENT = "#2563eb"
NAV_INK = "#c9d1e0"


def apply_style(app: QApplication) -> None:
    """Install the stylesheet and a readable default font; a missing stylesheet only costs looks."""
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    try:
        sheet = (paths.assets_dir() / "style.qss").read_text(encoding="utf-8")
        # url() in a stylesheet is relative to the working directory, so icon paths are made absolute.
        app.setStyleSheet(sheet.replace("@ICONS@", (paths.assets_dir() / "icons").as_posix()))
    except OSError as exc:
        log.warning("the stylesheet could not be read (%s); using the default look", exc)
    app.setWindowIcon(icon("app", None))


@functools.cache
def icon(name: str, color: str | None = INK, size: int = 48) -> QIcon:
    """An icon from assets/icons, its strokes recoloured (None keeps the file's own colours)."""
    try:
        svg = (paths.assets_dir() / "icons" / f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return QIcon()
    if color is not None:
        svg = svg.replace("#000000", color)
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return QIcon(pixmap)


def label(text: str = "", name: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A plain-text label (see PlainLabel); a caller showing its own markup sets Qt.TextFormat.RichText."""
    widget = PlainLabel(text, parent)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, kind: str = "", parent: QWidget | None = None, *, icon_name: str = "") -> QPushButton:
    widget = QPushButton(text, parent)
    if kind:
        widget.setProperty("kind", kind)
    if icon_name:
        widget.setIcon(icon(icon_name, "#ffffff" if kind in ("primary", "record") else INK))
    return widget


def card(parent: QWidget | None = None, spacing: int = 10, margins: int = 16) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return frame, layout


def divider(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setObjectName("Divider")
    line.setFrameShape(QFrame.Shape.NoFrame)
    return line


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property used by a selector changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
