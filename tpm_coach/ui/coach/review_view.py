"""A coach grades one answer: listens to it, reads the transcript, grades each criterion on the bank's scale,
comments on selected transcript text and writes an overall note. Saving is one short write on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tpm_coach.coach.review import save_review
from tpm_coach.domain import AttemptRecord, CoachGrade, CoachReview, SpanComment
from tpm_coach.errors import KnownError
from tpm_coach.storage.coach import CoachRepository
from tpm_coach.ui.coach.side_by_side import commented_html
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.history.session_audio import SessionAudioPlayer
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.widgets.safe_text import SafeTextBrowser

NOT_GRADED = "not graded"


class CoachReviewView(QWidget):
    saved = Signal(int)  # the answer whose review was stored

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.record: AttemptRecord | None = None
        self.comments: list[SpanComment] = []
        self.spins: dict[str, QSpinBox] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.question = label("", "QuestionText", self, wrap=True)
        layout.addWidget(self.question)
        self.player = SessionAudioPlayer(deps.messages, self)
        layout.addWidget(self.player)

        columns = QHBoxLayout()
        layout.addLayout(columns, 1)
        left, left_layout = card(self, spacing=6)
        left_layout.addWidget(label("Transcript: select words, then comment on them", "SectionTitle", left))
        self.transcript = SafeTextBrowser(left)
        self.transcript.setObjectName("reviewTranscript")
        left_layout.addWidget(self.transcript, 1)
        comment_row = QHBoxLayout()
        self.comment_text = QLineEdit(left)
        self.comment_text.setObjectName("commentText")
        self.comment_text.setPlaceholderText("Your comment on the selected text")
        comment_row.addWidget(self.comment_text, 1)
        self.add_comment = button("Comment on selection", "", left)
        self.add_comment.clicked.connect(self._comment_on_selection)
        comment_row.addWidget(self.add_comment)
        left_layout.addLayout(comment_row)
        self.comment_list = label("", "Muted", left, wrap=True)
        left_layout.addWidget(self.comment_list)
        columns.addWidget(left, 3)

        right, right_layout = card(self, spacing=6)
        right_layout.addWidget(label("Grades", "SectionTitle", right))
        self.coach_name = QLineEdit(right)
        self.coach_name.setObjectName("coachName")
        self.coach_name.setPlaceholderText("Your name, shown to the candidate")
        right_layout.addWidget(self.coach_name)
        self.form = QFormLayout()
        right_layout.addLayout(self.form)
        right_layout.addWidget(label("Overall note", "Caption", right))
        self.note = QPlainTextEdit(right)
        self.note.setObjectName("coachOverallNote")
        right_layout.addWidget(self.note, 1)
        self.save = button("Save review", "primary", right)
        self.save.clicked.connect(self.save_review)
        right_layout.addWidget(self.save)
        columns.addWidget(right, 2)

    def show_attempt(self, attempt_id: int) -> None:
        record = self.context.attempts.get(attempt_id)
        self.record = record
        self.question.setText(record.question.text)
        audio = None
        if record.audio_path:
            try:
                audio = self.context.data_paths.absolute(record.audio_path)
            except ValueError:
                audio = None
        self.player.set_source(audio if audio is not None and audio.is_file() else None, record.duration_s)
        review = self._stored_review(attempt_id)
        self.comments = list(review.comments) if review else []
        if review is not None:
            self.coach_name.setText(review.coach)
        self.note.setPlainText(review.note if review else "")
        while self.form.rowCount():
            self.form.removeRow(0)
        self.spins = {}
        scale = record.competency.rubric.scale
        for criterion in record.competency.rubric.criteria:
            spin = QSpinBox(self)
            spin.setObjectName(f"grade-{criterion.id}")
            # One below the scale stands for "not graded", so a coach may leave a criterion out.
            spin.setRange(scale.min - 1, scale.max)
            spin.setSpecialValueText(NOT_GRADED)
            grade = review.grade_of(criterion.id) if review else None
            spin.setValue(scale.min - 1 if grade is None else grade)
            spin.setToolTip("; ".join(f"{k}: {v}" for k, v in sorted(criterion.anchors.items())))
            self.form.addRow(criterion.name, spin)
            self.spins[criterion.id] = spin
        self._show_transcript()

    def _stored_review(self, attempt_id: int) -> CoachReview | None:
        return CoachRepository(self.context.database).review(attempt_id)

    def _text(self) -> str:
        return self.record.transcript.text if self.record and self.record.transcript else ""

    def _show_transcript(self) -> None:
        self.transcript.setHtml(commented_html(self._text(), self.comments))
        self.comment_list.setText("\n".join(f"“{c.quote}” — {c.text}" for c in self.comments))

    def select(self, start: int, end: int) -> None:
        """Select transcript characters [start, end), as a mouse drag would."""
        cursor = self.transcript.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        self.transcript.setTextCursor(cursor)

    def _comment_on_selection(self) -> None:
        cursor = self.transcript.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        text = self._text()
        body = self.comment_text.text().strip()
        if end <= start or not body:
            self.messages.warning("Select some transcript text and write a comment first.")
            return
        # The browser shows the transcript as written, so its character positions are the transcript's.
        if text[start:end] != cursor.selectedText().replace("\u2029", "\n"):
            self.messages.warning("That selection could not be matched to the transcript; select it again.")
            return
        self.comments.append(SpanComment(start=start, end=end, quote=text[start:end], text=body))
        self.comment_text.clear()
        self._show_transcript()

    def review(self) -> CoachReview:
        grades = [
            CoachGrade(criterion=criterion, score=spin.value())
            for criterion, spin in self.spins.items()
            if spin.value() >= spin.minimum() + 1
        ]
        return CoachReview(
            coach=self.coach_name.text().strip(),
            grades=grades,
            comments=self.comments,
            note=self.note.toPlainText().strip(),
        )

    def save_review(self) -> None:
        if self.record is None:
            return
        try:
            save_review(self.context.database, self.record.id, self.review())
        except KnownError as exc:
            self.messages.error(exc)
            return
        self.messages.info("Review saved.")
        self.saved.emit(self.record.id)
