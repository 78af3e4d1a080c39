"""A coach's review of one answer: a grade per rubric criterion, comments anchored to transcript text, a note."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tpm_coach.domain.bank import Competency

_MAX_TEXT = 20_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoachGrade(_Model):
    criterion: str = Field(min_length=1, max_length=64)
    score: int


class SpanComment(_Model):
    """A comment on the transcript characters [start, end), which read `quote` when the comment was written."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str = Field(min_length=1, max_length=_MAX_TEXT)
    text: str = Field(min_length=1, max_length=_MAX_TEXT)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("a comment's span must end after it starts")
        return self


class CoachReview(_Model):
    coach: str = Field(max_length=200)
    grades: list[CoachGrade] = Field(default_factory=list, max_length=20)
    comments: list[SpanComment] = Field(default_factory=list, max_length=500)
    note: str = Field(default="", max_length=_MAX_TEXT)
    reviewed_at: str = ""

    def grade_of(self, criterion_id: str) -> int | None:
        return next((g.score for g in self.grades if g.criterion == criterion_id), None)


def review_problems(review: CoachReview, competency: Competency, transcript: str) -> list[str]:
    """What makes a review unfit for this answer: unknown criteria, grades off the bank's scale, comments whose
    span is outside the transcript or no longer reads its quote. Empty when the review fits."""
    scale = competency.rubric.scale
    known = {c.id for c in competency.rubric.criteria}
    problems = []
    seen: set[str] = set()
    for grade in review.grades:
        if grade.criterion not in known:
            problems.append(f"criterion {grade.criterion!r} is not in the rubric of {competency.name!r}")
        if grade.criterion in seen:
            problems.append(f"criterion {grade.criterion!r} is graded twice")
        seen.add(grade.criterion)
        if not scale.min <= grade.score <= scale.max:
            problems.append(f"{grade.criterion}: {grade.score} is outside the scale {scale.min}-{scale.max}")
    for comment in review.comments:
        if comment.end > len(transcript) or transcript[comment.start : comment.end] != comment.quote:
            problems.append(f"the comment on {comment.quote[:40]!r} does not match the transcript at that place")
    return problems
