"""Coach-graded answers: agreement with the app's stored (or freshly made) scores, and the labelled set for the
judge quality harness (an eval YAML file whose answers carry the coach's level and criterion grades).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.domain import AttemptRecord, CoachReview, Competency
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.agreement import AgreementReport, GradedAnswer, agreement_report
from tpm_coach.scoring.base import Scorer
from tpm_coach.storage import AttemptRepository, Database
from tpm_coach.storage.coach import CoachRepository


def coach_graded(db: Database) -> list[tuple[AttemptRecord, CoachReview]]:
    """Every answer with a coach review and a current app score, oldest first."""
    coach = CoachRepository(db)
    ids = coach.reviewed_attempt_ids()
    reviews = coach.reviews(ids)
    attempts = AttemptRepository(db)
    return [(attempts.get(i), reviews[i]) for i in ids]


def grades_of(review: CoachReview) -> dict[str, int]:
    return {g.criterion: g.score for g in review.grades}


def stored_agreement(graded: list[tuple[AttemptRecord, CoachReview]]) -> AgreementReport:
    """Coach against the score the app gave each answer at the time."""
    return agreement_report(
        [
            GradedAnswer(str(record.id), record.competency, grades_of(review), record.score)
            for record, review in graded
            if record.score is not None
        ]
    )


def rescored_agreement(graded: list[tuple[AttemptRecord, CoachReview]], scorer: Scorer) -> tuple[AgreementReport, int]:
    """Coach against `scorer` run now on each transcript; (report, answers the scorer failed on)."""
    both: list[GradedAnswer] = []
    failed = 0
    for record, review in graded:
        if record.transcript is None:
            continue
        try:
            result = scorer.score(record.question, record.competency, record.transcript.text)
        except ScoringError:
            failed += 1
            continue
        both.append(GradedAnswer(str(record.id), record.competency, grades_of(review), result))
    return agreement_report(both), failed


def coach_level(review: CoachReview, competency: Competency) -> int:
    """The coach's overall grade: the rubric-weighted mean of their criterion grades, rounded."""
    weights = {c.id: c.weight for c in competency.rubric.criteria}
    graded = [(weights[g.criterion], g.score) for g in review.grades if g.criterion in weights]
    if not graded:
        return competency.rubric.scale.min
    return round(sum(w * s for w, s in graded) / sum(w for w, _ in graded))


def labelled_set(graded: list[tuple[AttemptRecord, CoachReview]]) -> dict[str, Any]:
    """An eval file (docs/judge-quality.md) whose answers are the coach-graded transcripts."""
    answers = []
    for record, review in graded:
        if record.transcript is None or not review.grades:
            continue
        answers.append(
            {
                "id": f"coach-{record.id}",
                "question_text": record.question.text,
                "competency": record.competency.id,
                "kind": record.question.kind.value,
                "answer": record.transcript.text,
                "level": coach_level(review, record.competency),
                "grades": grades_of(review),
                "why": f"graded by {review.coach or 'a coach'}" + (f": {review.note}" if review.note else ""),
            }
        )
    return {"answers": answers}


def write_labelled_set(graded: list[tuple[AttemptRecord, CoachReview]], output: Path) -> int:
    document = labelled_set(graded)
    header = "# Coach-graded answers exported by `tpm-coach session labels`, for `tpm-coach eval`.\n"
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
    atomic_write_bytes(output, (header + body).encode("utf-8"))
    return len(document["answers"])
