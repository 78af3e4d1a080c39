"""A horizontal input level meter: a smoothed bar with a peak-hold tick, green to amber to red."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

_FLOOR_DB = -60.0


def level_to_fraction(level: float) -> float:
    """Peak amplitude 0..1 to a 0..1 bar length on a dB scale, so quiet speech still moves the bar."""
    if level <= 0:
        return 0.0
    db = 20 * math.log10(min(1.0, level))
    return max(0.0, min(1.0, (db - _FLOOR_DB) / -_FLOOR_DB))


class LevelMeter(QWidget):
    """Call `set_level()` (about 30 times a second); the owner's timer drives it, the meter has none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LevelMeter")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Microphone level")
        self._value = 0.0
        self._peak = 0.0
        self.max_seen = 0.0

    def sizeHint(self) -> QSize:
        return QSize(240, 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, 8)

    def reset(self) -> None:
        self._value = self._peak = self.max_seen = 0.0
        self.update()

    def set_level(self, level: float) -> None:
        target = level_to_fraction(level)
        self.max_seen = max(self.max_seen, level)
        # Fast attack, slow release: how hardware meters behave, and easier to read.
        self._value = target if target > self._value else self._value * 0.8 + target * 0.2
        self._peak = max(self._value, self._peak - 0.01)
        self.update()

    @property
    def value(self) -> float:
        return self._value

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2
        track = QPainterPath()
        track.addRoundedRect(rect, radius, radius)
        painter.fillPath(track, self.palette().color(self.backgroundRole()).darker(108))
        if self._value > 0:
            fill = QRectF(rect.x(), rect.y(), rect.width() * self._value, rect.height())
            gradient = QLinearGradient(rect.topLeft(), rect.topRight())
            gradient.setColorAt(0.0, QColor("#2f9e6a"))
            gradient.setColorAt(0.7, QColor("#4cb782"))
            gradient.setColorAt(0.85, QColor("#e0a030"))
            gradient.setColorAt(1.0, QColor("#d9534f"))
            painter.save()
            painter.setClipPath(track)
            painter.fillRect(fill, gradient)
            painter.restore()
        if self._peak > 0.02:
            x = rect.x() + rect.width() * self._peak
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#1f6f4a"))
            painter.drawRect(QRectF(x - 1.5, rect.y(), 3, rect.height()))
        painter.end()
