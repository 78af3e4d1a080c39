"""What the offline scorer reads from one answer, shared by the scores (offline.py) and the feedback
(offline_feedback.py) so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain import DeliveryMetrics
from tpm_coach.language import Sentence
from tpm_coach.scoring.features import AnswerShape, SentenceInfo
from tpm_coach.scoring.red_flags import RedFlag
from tpm_coach.scoring.relevance import Relevance
from tpm_coach.scoring.specifics import Specificity


@dataclass(frozen=True)
class Reading:
    """What the offline scorer read from one answer; the scores and the feedback are both made from it."""

    sentences: list[SentenceInfo]
    counted: list[bool]  # the real, on-topic sentences: only these earn credit
    shape: AnswerShape
    relevance: Relevance
    spec: Specificity
    star: dict[str, Sentence | None] | None
    structure: float
    length: float
    stuffed: bool
    red_flags: list[RedFlag]
    delivery: DeliveryMetrics
    delivery_penalty: bool

    @property
    def off_topic(self) -> bool:
        return self.relevance.off_topic and not self.shape.looks_non_english
