"""What every scorer offers, and the ad-hoc question used when a candidate scores an answer to their own question."""

from __future__ import annotations

from typing import Literal, Protocol

from tpm_coach.domain import Competency, DeliveryMetrics, Question, QuestionKind, ScoreResult

ScorerChoice = Literal["auto", "llm", "offline"]
ADHOC_QUESTION_ID = "custom-question"


class Scorer(Protocol):
    """Scores one answer against a question's rubric.

    Raises EmptyAnswerError for an answer with (almost) nothing in it and ScoringError when it cannot score;
    never returns an invalid result.
    """

    kind: str

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult: ...


def adhoc_question(text: str, competency: Competency, kind: QuestionKind = QuestionKind.SITUATIONAL) -> Question:
    """A question typed by the user, scored with a competency's rubric. Its 'stronger answer' outline is the
    rubric's top anchors, since nobody wrote one for it."""
    top = competency.rubric.scale.max
    outline = [c.anchors.get(top) or competency.rubric.anchor_for(c.id, top) for c in competency.rubric.criteria]
    return Question(
        id=ADHOC_QUESTION_ID,
        competency=competency.id,
        text=text,
        kind=kind,
        strong_answer=outline,
    )
