"""Feedback for one stored attempt: scores with rubric anchors, highlighted evidence, advice and delivery.

Renders any AttemptRecord, so practice and History's "open this attempt" share it. The score shown is always
named by its judge, and an answer scored more than once lists its other scores.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from tpm_coach.domain import AttemptStatus, CoachReview, ScoreResult
from tpm_coach.scoring.verdict import build_verdict, outline_covered
from tpm_coach.storage import AttemptRecord
from tpm_coach.ui.coach.side_by_side import CoachSideBySide
from tpm_coach.ui.feedback.criteria import CriteriaList
from tpm_coach.ui.feedback.details import BulletCard, MetricsCard, StarCard
from tpm_coach.ui.feedback.scores import ScoresCard
from tpm_coach.ui.feedback.transcript import TranscriptView
from tpm_coach.ui.feedback.verdict import VerdictBlock
from tpm_coach.ui.stories.answer_bar import StoryBar
from tpm_coach.ui.style import card, label, repolish

_STATUS_TEXT = {
    AttemptStatus.RECORDING: "This answer was still being recorded when the app stopped.",
    AttemptStatus.RECORDED: "This answer is recorded but not transcribed yet.",
    AttemptStatus.TRANSCRIBED: "This answer is transcribed but not scored yet.",
    AttemptStatus.SCORING_FAILED: "Scoring this answer failed",
}


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%d %b %Y, %H:%M")
    except ValueError:
        return stamp


class FeedbackView(QScrollArea):
    make_current_requested = Signal(int)  # a kept score's id; only offered with `can_make_current`
    retry_clicked = Signal()  # only offered with `can_retry`

    def __init__(
        self, parent: QWidget | None = None, *, can_make_current: bool = False, can_retry: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Feedback is nearly always taller than the window: a scroll bar that comes and goes with it narrows the
        # page after it was laid out, and Qt lays every wrapped line out again at the new width.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        body = QWidget(self)
        body.setObjectName("PageBody")
        self.setWidget(body)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 8, 8)
        outer.setSpacing(12)
        self.record: AttemptRecord | None = None

        outer.addWidget(self._build_header(body, can_retry))
        self.scores = ScoresCard(body, can_make_current=can_make_current)
        self.scores.make_current_requested.connect(self.make_current_requested)
        self.scores.setVisible(False)
        outer.addWidget(self.scores)
        self.coach = CoachSideBySide(body)
        outer.addWidget(self.coach)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        left = QVBoxLayout()
        left.setSpacing(12)
        right = QVBoxLayout()
        right.setSpacing(12)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        outer.addLayout(columns)

        self.criteria = CriteriaList(body)
        left.addWidget(self.criteria)
        self.strengths = BulletCard("Strengths", body)
        self.improvements = BulletCard("Improve next time", body)
        self.outline = BulletCard("A stronger answer would cover", body)
        for widget in (self.outline, self.strengths, self.improvements):
            left.addWidget(widget)
        left.addStretch(1)

        self._build_right(body, right)
        right.addStretch(1)

    def _build_header(self, body: QWidget, can_retry: bool) -> QWidget:
        header, header_layout = card(body, spacing=8)
        self.question = label("", "QuestionText", header, wrap=True)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header_layout.addWidget(self.question)
        self.meta = label("", "Muted", header, wrap=True)
        header_layout.addWidget(self.meta)
        self.story_bar = StoryBar(header)  # shown once the page that owns this view configures it
        header_layout.addWidget(self.story_bar)
        score_row = QHBoxLayout()
        score_row.setSpacing(16)
        self.overall = label("", "ScoreBig", header)
        self.overall.setTextFormat(Qt.TextFormat.RichText)  # numbers only, with a smaller "/ max"
        self.overall.setAccessibleName("Overall score")
        score_row.addWidget(self.overall, 0, Qt.AlignmentFlag.AlignVCenter)
        scorer_box = QVBoxLayout()
        scorer_box.setSpacing(2)
        self.overall_caption = label("overall", "Caption", header)
        scorer_box.addWidget(self.overall_caption)
        self.judge = label("", "Chip", header)
        self.judge.setToolTip("Who made the score shown")
        scorer_box.addWidget(self.judge, 0, Qt.AlignmentFlag.AlignLeft)
        self.scorer = label("", "Muted", header, wrap=True)
        scorer_box.addWidget(self.scorer)
        score_row.addLayout(scorer_box, 1)
        header_layout.addLayout(score_row)
        self.verdict = VerdictBlock(header, can_retry=can_retry)
        self.verdict.retry_clicked.connect(self.retry_clicked)
        header_layout.addWidget(self.verdict)
        self.status = label("", "ChipWarn", header, wrap=True)
        header_layout.addWidget(self.status)
        return header

    def _build_right(self, body: QWidget, right: QVBoxLayout) -> None:
        transcript_card, transcript_layout = card(body, spacing=6)
        transcript_layout.addWidget(label("Your answer", "SectionTitle", transcript_card))
        transcript_layout.addWidget(
            label("Highlights show the evidence behind each criterion's score.", "Muted", transcript_card, wrap=True)
        )
        self.transcript = TranscriptView(transcript_card, fit_content=True)
        transcript_layout.addWidget(self.transcript)
        right.addWidget(transcript_card)
        self.metrics = MetricsCard(body)
        right.addWidget(self.metrics)
        self.star = StarCard(body)
        right.addWidget(self.star)
        self.follow_up = BulletCard("Likely follow-up", body)
        right.addWidget(self.follow_up)

    def show_record(self, record: AttemptRecord, review: CoachReview | None = None) -> None:
        self.record = record
        self.story_bar.show_record(record)
        self.coach.show_review(record, review)
        question, competency, score = record.question, record.competency, record.score
        self.question.setText(question.text)
        mode = "typed answer" if record.answer_mode == "typed" else "spoken answer"
        self.meta.setText(
            f"{competency.name} · {question.kind.value.replace('-', ' ')} · {question.level.value} level · "
            f"{mode} · {_when(record.created_at)}"
        )
        status = _STATUS_TEXT.get(record.status, "")
        if record.status is AttemptStatus.SCORING_FAILED and record.status_reason:
            status = f"{status}: {record.status_reason}"
        self.status.setText(status)
        self.status.setVisible(bool(status))

        rubric_order = {c.id: i for i, c in enumerate(competency.rubric.criteria)}
        criteria = sorted(score.criteria, key=lambda c: rubric_order.get(c.id, 99)) if score else []
        names = [next((d.name for d in competency.rubric.criteria if d.id == c.id), c.id) for c in criteria]
        text = record.transcript.text if record.transcript else ""
        self.transcript.show_transcript(text, criteria, names)
        self.metrics.show_metrics(record.metrics, record.answer_mode == "typed", record.duration_s)

        scored = score is not None
        for widget in (self.overall, self.overall_caption, self.judge, self.criteria, self.strengths):
            widget.setVisible(scored)
        self.improvements.setVisible(scored)
        self.scores.show_scores(record)
        if score is not None:
            self.overall.setText(
                f"{score.overall:.1f}<span style='font-size:18px;color:#6b7280;'> / {score.scale_max}</span>"
            )
            self.judge.setText(score.judge_label)
            # An estimate looks unlike a judgement at a glance, not only when read.
            self.judge.setObjectName("ChipWarn" if score.scorer == "offline" else "Chip")
            repolish(self.judge)
            self.judge.setAccessibleName(f"Judge: {score.judge_label}")
            self.scorer.setText(_about_the_judge(record, score))
            self.criteria.show_scores(competency, criteria)
            self.strengths.show_items(score.strengths, "No particular strengths were noted.")
            self.improvements.show_items(score.improvements, "Nothing specific to improve was noted.")
        else:
            self.scorer.setText("Not scored yet.")
        self._show_guidance(record, text)
        self.star.setVisible(bool(score and score.star))
        if score and score.star:
            self.star.show_star(score.star)
        follow_up = (score.follow_up if score else "") or (question.follow_ups[0] if question.follow_ups else "")
        self.follow_up.setVisible(bool(follow_up))
        self.follow_up.show_items([follow_up] if follow_up else [])
        self.verticalScrollBar().setValue(0)

    def _show_guidance(self, record: AttemptRecord, text: str) -> None:
        """The verdict, and the stronger answer's outline with the points this answer already made ticked."""
        score = record.score
        self.verdict.show_verdict(build_verdict(score, record.competency) if score is not None else None)
        outline = score.stronger_answer if score and score.stronger_answer else record.question.strong_answer
        self.outline.show_items(outline, numbered=True, covered=outline_covered(outline, text))


def _about_the_judge(record: AttemptRecord, score: ScoreResult) -> str:
    """The line under the score: the judge's notes, or what an offline estimate is, and how many scores are kept."""
    notes = " ".join(score.notes)
    if notes and score.scorer == "offline":
        about = notes  # the offline scorer's own note already says what it is
    elif score.scorer == "offline":
        about = "Offline estimate by the built-in heuristic scorer, not an LLM's judgement"
    else:
        about = notes
    if len(record.scores) > 1:
        about = f"{about} One of {len(record.scores)} kept scores; the others are listed below.".strip()
    return about
