"""The answer's transcript with each criterion's evidence highlighted in that criterion's colour."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QSizePolicy, QWidget

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
    """Read-only transcript. With `fit_content`, it grows to its text instead of scrolling inside a page.

    The fitted height is a height for the width offered, as a wrapped label's is, so the page is laid out
    in one pass; resizing to the text after each layout made Qt lay the whole feedback page out twice.
    """

    def __init__(self, parent: QWidget | None = None, *, fit_content: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("Transcript")
        self.setMinimumHeight(120)
        self.setAccessibleName("Transcript")
        self.plain = ""
        self._fit = fit_content
        self._heights: dict[int, int] = {}
        if fit_content:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            policy = self.sizePolicy()
            policy.setVerticalPolicy(QSizePolicy.Policy.Preferred)
            policy.setHeightForWidth(True)
            self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return self._fit

    def heightForWidth(self, width: int) -> int:
        if not self._fit:
            return super().heightForWidth(width)
        height = self._heights.get(width)
        if height is None:
            margins = self.contentsMargins()
            document = self.document().clone(self)  # measuring must not relayout the text on screen
            document.setTextWidth(max(1, width - margins.left() - margins.right()))
            height = max(
                self.minimumHeight(), min(int(document.size().height()) + margins.top() + margins.bottom() + 4, 4000)
            )
            document.deleteLater()
            self._heights[width] = height
        return height

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(hint.width())) if self._fit else hint

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange):
            self._relayout()
        super().changeEvent(event)

    def _relayout(self) -> None:
        self._heights.clear()
        if self._fit:
            self.updateGeometry()

    def show_transcript(self, text: str, criteria: Sequence[CriterionScore] = (), names: Sequence[str] = ()) -> None:
        self.plain = text
        if not text.strip():
            self.setHtml('<p style="color:#6b7280;">(nothing was transcribed)</p>')
        else:
            self.setHtml(transcript_html(text, criteria, names))
        self._relayout()
