"""Coach and app side by side for one answer: each criterion's two grades, the coach's note, and the transcript
with the coach's span comments highlighted (the comment shows on hover and in the list below)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.domain import AttemptRecord, CoachReview, SpanComment
from tpm_coach.ui.style import label
from tpm_coach.ui.widgets.safe_text import SafeTextBrowser, tooltip

COMMENT_BACKGROUND = "#fed7aa"


def commented_html(text: str, comments: list[SpanComment]) -> str:
    """The transcript with each comment's span marked; overlapping or stale spans are left unmarked."""
    parts: list[str] = []
    position = 0
    for comment in sorted(comments, key=lambda c: c.start):
        if comment.start < position or text[comment.start : comment.end] != comment.quote:
            continue
        parts.append(escape_html(text[position : comment.start]))
        title = escape_html(tooltip(comment.text))
        parts.append(
            f'<span style="background-color:{COMMENT_BACKGROUND};" title="{title}">'
            f"{escape_html(text[comment.start : comment.end])}</span>"
        )
        position = comment.end
    parts.append(escape_html(text[position:]))
    return '<div style="line-height:150%;">' + "".join(parts).replace("\n", "<br>") + "</div>"


class CoachSideBySide(QFrame):
    """Hidden until an answer with a coach review is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(8)
        self.title = label("", "SectionTitle", self)
        layout.addWidget(self.title)
        self.grades = QTableWidget(0, 4, self)
        self.grades.setObjectName("coachGrades")
        self.grades.setHorizontalHeaderLabels(["Criterion", "App", "Coach", "Difference"])
        self.grades.verticalHeader().setVisible(False)
        self.grades.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.grades)
        self.note = label("", "", self, wrap=True)
        self.note.setObjectName("coachNote")
        layout.addWidget(self.note)
        layout.addWidget(
            label("The coach's comments, highlighted in the answer (hover for the comment):", "Muted", self)
        )
        self.transcript = SafeTextBrowser(self)
        self.transcript.setObjectName("coachTranscript")
        self.transcript.setMinimumHeight(120)
        layout.addWidget(self.transcript)
        self.comments = label("", "", self, wrap=True)
        self.comments.setObjectName("coachComments")
        layout.addWidget(self.comments)
        self.setVisible(False)

    def show_review(self, record: AttemptRecord, review: CoachReview | None) -> None:
        self.setVisible(review is not None)
        if review is None:
            return
        self.title.setText(f"Coach and app side by side · graded by {review.coach or 'a coach'}")
        app = {c.id: c.score for c in record.score.criteria} if record.score else {}
        rows = record.competency.rubric.criteria
        self.grades.setRowCount(len(rows))
        for row, criterion in enumerate(rows):
            ours, theirs = app.get(criterion.id), review.grade_of(criterion.id)
            difference = "" if ours is None or theirs is None else f"{theirs - ours:+d}"
            cells = (
                criterion.name,
                "" if ours is None else str(ours),
                "" if theirs is None else str(theirs),
                difference,
            )
            for column, text in enumerate(cells):
                self.grades.setItem(row, column, QTableWidgetItem(text))
        self.grades.resizeColumnsToContents()
        self.note.setText(f"Coach's note: {review.note}" if review.note else "")
        self.note.setVisible(bool(review.note))
        text = record.transcript.text if record.transcript else ""
        self.transcript.setHtml(commented_html(text, list(review.comments)))
        self.comments.setText("\n".join(f"“{c.quote}” — {c.text}" for c in review.comments))
