"""The smaller feedback cards: bullet lists, delivery metrics and the STAR check."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.domain import DeliveryMetrics, StarCheck
from tpm_coach.language.targets import delivery_readings
from tpm_coach.ui.style import format_duration, label, repolish


class BulletCard(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(label(title, "SectionTitle", self))
        self.body = label("", "", self, wrap=True)
        self.body.setTextFormat(Qt.TextFormat.RichText)  # a list; every item is outside text, escaped
        layout.addWidget(self.body)
        self.items: list[str] = []
        self.covered: list[bool] = []

    def show_items(
        self, items: list[str], empty: str = "—", numbered: bool = False, covered: list[bool] | None = None
    ) -> None:
        """`covered`, one flag per item, ticks off the items the answer already made."""
        self.items = list(items)
        self.covered = list(covered) if covered is not None else []
        if not items:
            self.body.setText(f'<span style="color:#6b7280;">{escape_html(empty)}</span>')
            return
        tag = "ol" if numbered else "ul"
        rows = "".join(
            f'<li style="margin-bottom:4px;">{self._mark(n)}{escape_html(item)}</li>' for n, item in enumerate(items)
        )
        note = ""
        if self.covered:
            note = (
                f'<p style="color:#6b7280;">✓ {sum(self.covered)} of {len(items)} already in your answer; '
                "the rest would make it stronger.</p>"
            )
        self.body.setText(f'<{tag} style="margin-left:-18px;">{rows}</{tag}>{note}')

    def _mark(self, index: int) -> str:
        if index >= len(self.covered):
            return ""
        if self.covered[index]:
            return '<span style="color:#15803d;">✓</span> '
        return '<span style="color:#9ca3af;">○</span> '


def _metric(grid: QGridLayout, col: int, value: str, caption: str, parent: QWidget) -> QLabel:
    box = QVBoxLayout()
    box.setSpacing(0)
    value_label = label(value, "ScoreSmall", parent)
    box.addWidget(value_label)
    box.addWidget(label(caption, "Muted", parent))
    grid.addLayout(box, 0, col)
    return value_label


class MetricsCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(14, 12, 14, 12)
        self._layout.setSpacing(8)
        self._layout.addWidget(label("Delivery", "SectionTitle", self))
        self._content: QWidget | None = None
        self.values: dict[str, str] = {}
        self.targets: list[str] = []  # one line per measure: its value, its target range and what it means

    def show_metrics(self, metrics: DeliveryMetrics | None, typed: bool, duration_s: float | None) -> None:
        if self._content is not None:
            self._content.deleteLater()
        self._content = QWidget(self)
        grid = QGridLayout(self._content)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)
        self._layout.addWidget(self._content)
        if metrics is None:
            grid.addWidget(label("No delivery metrics for this answer.", "Muted", self._content), 0, 0)
            self.values = {}
            self.targets = []
            return
        if typed:
            self.values = {"words": str(metrics.word_count)}
            self.targets = []
            _metric(grid, 0, str(metrics.word_count), "words", self._content)
            grid.addWidget(
                label(
                    "Typed answer: pace, fillers and pauses are measured on spoken answers.",
                    "Muted",
                    self._content,
                    wrap=True,
                ),
                1,
                0,
                1,
                3,
            )
            return
        fillers = ", ".join(f"{w} ×{n}" for w, n in sorted(metrics.fillers.items(), key=lambda kv: -kv[1])[:4])
        self.values = {
            "wpm": f"{metrics.words_per_minute:.0f}",
            "fillers": str(metrics.filler_count),
            "pauses": str(metrics.long_pauses),
            "time": format_duration(duration_s if duration_s is not None else metrics.speaking_time_s),
        }
        shown = {
            "pace": _metric(grid, 0, self.values["wpm"], "words / min", self._content),
            "fillers": _metric(grid, 1, self.values["fillers"], "fillers", self._content),
            "pauses": _metric(grid, 2, self.values["pauses"], "long pauses", self._content),
        }
        self.targets = []
        for row, reading in enumerate(delivery_readings(metrics, typed=False), start=2):
            if not reading.on_target:
                shown[reading.key].setProperty("offTarget", True)
            line = f"{reading.name}: {reading.value}, target {reading.target}. {reading.explanation}"
            self.targets.append(line)
            grid.addWidget(label(line, "Muted", self._content, wrap=True), row, 0, 1, 4)
        _metric(grid, 3, self.values["time"], "speaking time", self._content)
        details = []
        if fillers:
            details.append(f"Fillers: {fillers}")
        if metrics.longest_pause_s:
            details.append(f"longest pause {metrics.longest_pause_s:.1f} s")
        if metrics.hedge_count:
            details.append(f"hedges: {metrics.hedge_count}")
        if details:
            grid.addWidget(label("; ".join(details) + ".", "Muted", self._content, wrap=True), 1, 0, 1, 4)


class StarCard(QFrame):
    """Situation, Task, Action, Result: which parts a behavioural answer covered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(label("STAR check", "SectionTitle", self))
        row = QHBoxLayout()
        row.setSpacing(8)
        self.parts: dict[str, QLabel] = {}
        for part in ("Situation", "Task", "Action", "Result"):
            chip = label(part, "Chip", self)
            row.addWidget(chip)
            self.parts[part.lower()] = chip
        row.addStretch(1)
        layout.addLayout(row)
        self.hint = label("", "Muted", self, wrap=True)
        layout.addWidget(self.hint)

    def show_star(self, star: StarCheck) -> None:
        missing = []
        for name, chip in self.parts.items():
            present = bool(getattr(star, name))
            chip.setObjectName("Chip" if present else "ChipWarn")
            chip.setText(("✓ " if present else "✗ ") + name.title())
            chip.setAccessibleName(f"{name.title()}: {'covered' if present else 'missing'}")
            repolish(chip)  # the object name picks the style
            if not present:
                missing.append(name)
        self.hint.setText(
            "All four parts are there."
            if not missing
            else f"Missing: {', '.join(missing)}. Say it explicitly, e.g. 'The result was …'."
        )
