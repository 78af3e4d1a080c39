"""Two or more answers to the same question side by side: scores per criterion, delivery, transcripts."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from tpm_coach.storage import AttemptRecord
from tpm_coach.ui.feedback.transcript import TranscriptView
from tpm_coach.ui.style import format_duration, label

MAX_COLUMNS = 3


def _delta(now: float, before: float | None) -> str:
    if before is None or abs(now - before) < 0.05:
        return ""
    colour = "#15803d" if now > before else "#b91c1c"
    return (
        f' <span style="color:{colour}; font-size:12px;">{"▲" if now > before else "▼"}{abs(now - before):.1f}</span>'
    )


class CompareView(QWidget):
    """Columns are attempts (oldest left); rows are grouped: the overall score, the criteria, delivery."""

    def __init__(self, records: Sequence[AttemptRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = list(records)[-MAX_COLUMNS:]
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        self.cells: dict[tuple[str, int], str] = {}
        if not self.records:
            grid.addWidget(label("No attempts to compare.", "Muted", self), 0, 0)
            return
        competency = self.records[-1].competency
        scale_max = competency.rubric.scale.max
        # Grouped so each number sits beside its own kind: overall beside overall, criterion scores beside
        # criterion scores, delivery beside delivery; a group's heading names what its numbers measure.
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (f"Overall score (out of {scale_max})", [("overall", "Overall")]),
            (f"Criterion scores (out of {scale_max})", [(c.id, c.name) for c in competency.rubric.criteria]),
            ("Delivery (spoken answers)", [("wpm", "Words / min"), ("fillers", "Fillers"), ("time", "Speaking time")]),
        ]
        self.groups = [heading for heading, _ in groups]
        rows: list[tuple[str, str]] = []
        r = 1
        positions: dict[str, int] = {}
        for heading, members in groups:
            grid.addWidget(label(heading, "Caption", self), r, 0, 1, len(self.records) + 1)
            r += 1
            for key, name in members:
                grid.addWidget(label(name, "Muted", self), r, 0)
                positions[key] = r
                rows.append((key, name))
                r += 1
        previous: dict[str, float | None] = {}
        for col, record in enumerate(self.records, start=1):
            title = "typed" if record.answer_mode == "typed" else "spoken"
            grid.addWidget(label(f"Attempt {col} ({title})", "SectionTitle", self), 0, col)
            values = self._values(record)
            for key, _ in rows:
                value = values.get(key)
                if value is None:
                    text = "—"
                elif key == "time":
                    text = format_duration(value)
                elif key == "overall":
                    text = f"{value:.1f}"
                else:
                    text = f"{value:g}"
                if value is not None and key not in ("time", "fillers", "wpm"):
                    text += _delta(value, previous.get(key))
                cell = label(text, "", self)
                cell.setTextFormat(Qt.TextFormat.RichText)  # numbers and the app's own coloured arrow only
                grid.addWidget(cell, positions[key], col)
                self.cells[(key, col)] = text
            previous = values
            transcript = TranscriptView(self)
            transcript.show_transcript(record.transcript.text if record.transcript else "")
            transcript.setMinimumWidth(260)
            grid.addWidget(transcript, r, col)
        grid.setRowStretch(r, 1)

    @staticmethod
    def _values(record: AttemptRecord) -> dict[str, float | None]:
        values: dict[str, float | None] = {}
        if record.score is not None:
            values["overall"] = round(record.score.overall, 1)
            for criterion in record.score.criteria:
                values[criterion.id] = float(criterion.score)
        if record.metrics is not None and record.answer_mode != "typed":
            values["wpm"] = round(record.metrics.words_per_minute)
            values["fillers"] = float(record.metrics.filler_count)
        if record.duration_s is not None and record.answer_mode != "typed":
            values["time"] = record.duration_s
        return values


class CompareDialog(QDialog):
    def __init__(self, records: Sequence[AttemptRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare attempts")
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        if records:
            heading = label(records[-1].question.text, "SectionTitle", self, wrap=True)
            layout.addWidget(heading)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        self.view = CompareView(records, scroll)
        scroll.setWidget(self.view)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
