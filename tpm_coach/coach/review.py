"""Grading an answer as a coach: build a review, check it fits the answer's rubric and transcript, store it."""

from __future__ import annotations

from tpm_coach.domain import CoachGrade, CoachReview, SpanComment, review_problems
from tpm_coach.errors import CoachReviewError
from tpm_coach.storage import AttemptRepository, Database
from tpm_coach.storage.coach import CoachRepository


def comment_on(transcript: str, quote: str, text: str, occurrence: int = 1) -> SpanComment:
    """A comment anchored to the `occurrence`-th place `quote` appears in the transcript."""
    start = -1
    for _ in range(max(1, occurrence)):
        start = transcript.find(quote, start + 1)
        if start < 0:
            raise CoachReviewError(
                f"the transcript does not contain {quote!r}" + (f" {occurrence} times" if occurrence > 1 else ""),
                "quote the words exactly as the transcript has them",
            )
    return SpanComment(start=start, end=start + len(quote), quote=quote, text=text)


def save_review(db: Database, attempt_id: int, review: CoachReview) -> CoachReview:
    """Store the review once it fits the answer; refuse it with every problem named otherwise."""
    record = AttemptRepository(db).get(attempt_id)
    if record.transcript is None:
        raise CoachReviewError(f"answer {attempt_id} has no transcript to review yet")
    problems = review_problems(review, record.competency, record.transcript.text)
    if problems:
        raise CoachReviewError(
            f"the review of answer {attempt_id} does not fit it: " + "; ".join(problems),
            f"criteria of {record.competency.name!r}: "
            + ", ".join(c.id for c in record.competency.rubric.criteria)
            + f"; scale {record.competency.rubric.scale.min}-{record.competency.rubric.scale.max}",
        )
    CoachRepository(db).save_review(attempt_id, review)
    saved = CoachRepository(db).review(attempt_id)
    assert saved is not None  # written in the line above
    return saved


def parse_grades(pairs: list[str]) -> list[CoachGrade]:
    """`criterion=score` strings as typed on the command line."""
    grades = []
    for pair in pairs:
        criterion, sep, value = pair.partition("=")
        if not sep or not criterion.strip() or not value.strip().lstrip("-").isdigit():
            raise CoachReviewError(f"cannot read the grade {pair!r}", "write each grade as CRITERION=SCORE, e.g. c1=4")
        grades.append(CoachGrade(criterion=criterion.strip(), score=int(value)))
    return grades
