"""What one answer produces: the transcript with word timings, delivery metrics and scores."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AttemptStatus(StrEnum):
    RECORDING = "recording"
    RECORDED = "recorded"
    TRANSCRIBED = "transcribed"
    SCORED = "scored"
    SCORING_FAILED = "scoring_failed"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Word(_Model):
    word: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    probability: float | None = None


class Transcript(_Model):
    text: str
    words: list[Word] = Field(default_factory=list)
    language: str = "en"
    engine: str = ""
    model: str = ""

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class DeliveryMetrics(_Model):
    """How the answer was spoken, derived from the words and their timings."""

    speaking_time_s: float = 0.0
    word_count: int = 0
    words_per_minute: float = 0.0
    filler_count: int = 0
    fillers: dict[str, int] = Field(default_factory=dict)
    long_pauses: int = 0
    longest_pause_s: float = 0.0
    hedge_count: int = 0
    hedges: dict[str, int] = Field(default_factory=dict)


class Evidence(_Model):
    quote: str
    start: int | None = Field(default=None, description="Character offset of the quote in the transcript.")
    end: int | None = None


class CriterionScore(_Model):
    id: str
    score: int
    rationale: str
    evidence: list[Evidence] = Field(default_factory=list)
    flagged: bool = Field(
        default=False,
        description="True when the judgement is not fully backed: a citation pointed at nothing, or it was capped.",
    )
    capped_from: int | None = Field(
        default=None,
        description=(
            "The score the judge gave before a cap: the middle anchor for citing no evidence, or a trap in the "
            "answer (words for the scorer, a list of rubric terms, an answer to another question)."
        ),
    )


class StarCheck(_Model):
    situation: bool
    task: bool
    action: bool
    result: bool


class ScoreResult(_Model):
    """A validated score: `overall` is always computed by the app from criterion scores and weights."""

    overall: float
    scale_min: int
    scale_max: int
    criteria: list[CriterionScore]
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    stronger_answer: list[str] = Field(default_factory=list)
    follow_up: str = ""
    star: StarCheck | None = None
    scorer: str = Field(description="'llm' or 'offline'")
    model: str = ""
    prompt_version: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: int | None = None
    notes: list[str] = Field(default_factory=list, description="Caveats shown with the score.")

    @property
    def judge_label(self) -> str:
        """Who made this score, in words no one can take for the other judge: "Offline estimate", or
        "LLM · <model> · <prompt version>" (the parts that are known)."""
        if self.scorer == "offline":
            return "Offline estimate"
        return " · ".join(["LLM", *(part for part in (self.model, self.prompt_version) if part)])
