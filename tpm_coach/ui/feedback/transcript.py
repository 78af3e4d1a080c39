"""The answer's transcript with each criterion's evidence highlighted in that criterion's colour."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.domain import CriterionScore
from tpm_coach.scoring.evidence import evidence_spans
from tpm_coach.ui.widgets.safe_text import SafeTextBrowser, tooltip

# (highlight background, marker colour) per criterion, in rubric order.
CRITERION_COLOURS: tuple[tuple[str, str], ...] = (
    ("#fde68a", "#b45309"),
    ("#bbf7d0", "#15803d"),
    ("#bfdbfe", "#1d4ed8"),
    ("#fbcfe8", "#be185d"),
    ("#ddd6fe", "#6d28d9"),
)


def criterion_colour(index: int) -> tuple[str, str]:
    return CRITERION_COLOURS[index % len(CRITERION_COLOURS)]


def transcript_html(text: str, criteria: Sequence[CriterionScore], names: Sequence[str] = ()) -> str:
    # Spans index the stored text, so each piece is cleaned and escaped on its own after cutting.
    parts: list[str] = []
    position = 0
    for span in evidence_spans(text, criteria):
        parts.append(escape_html(text[position : span.start]))
        background, _ = criterion_colour(span.criterion)
        # A title becomes a hover tooltip, which Qt reads as HTML when it looks like HTML.
        title = escape_html(tooltip(names[span.criterion] if span.criterion < len(names) else ""))
        parts.append(
            f'<span style="background-color:{background};" title="{title}">'
            f"{escape_html(text[span.start : span.end])}</span>"
        )
        position = span.end
    parts.append(escape_html(text[position:]))
    body = "".join(parts).replace("\n", "<br>")
    return f'<div style="line-height:150%;">{body}</div>'


class TranscriptView(SafeTextBrowser):
    """Read-only transcript. With `fit_content`, it grows to its text instead of scrolling inside a page."""

    def __init__(self, parent: QWidget | None = None, *, fit_content: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("Transcript")
        self.setMinimumHeight(120)
        self.setAccessibleName("Transcript")
        self.plain = ""
        self._fit = fit_content
        if fit_content:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.document().documentLayout().documentSizeChanged.connect(self._fit_height)

    def _fit_height(self) -> None:
        margins = self.contentsMargins()
        height = self.document().size().height() + margins.top() + margins.bottom() + 4
        self.setFixedHeight(max(self.minimumSizeHint().height(), min(int(height), 4000)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self._fit_height()

    def show_transcript(self, text: str, criteria: Sequence[CriterionScore] = (), names: Sequence[str] = ()) -> None:
        self.plain = text
        if not text.strip():
            self.setHtml('<p style="color:#6b7280;">(nothing was transcribed)</p>')
            return
        self.setHtml(transcript_html(text, criteria, names))
