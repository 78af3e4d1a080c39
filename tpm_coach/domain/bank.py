"""The question bank format: competencies with rubrics, and questions that point at them.

These models are the single source of the YAML format: the loader validates against them and
`tpm-coach bank schema` derives the JSON Schema for editors from them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

BANK_FORMAT_VERSION = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$"),
    Field(description="Lower-case letters, digits, '-', '_' or '.', at most 64 characters."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class QuestionKind(StrEnum):
    BEHAVIORAL = "behavioral"
    PROGRAM_SENSE = "program-sense"
    TECHNICAL = "technical"
    STRATEGY = "strategy"
    SITUATIONAL = "situational"


class Level(StrEnum):
    """The role level a question is pitched at (TPM, Senior TPM, Staff/Principal TPM)."""

    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


class ScoreScale(_Model):
    min: int = Field(default=1, ge=0, le=10)
    max: int = Field(default=5, ge=1, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max - self.min < 2:
            raise ValueError("the scale needs at least three points (max - min >= 2)")
        return self

    @property
    def middle(self) -> int:
        return (self.min + self.max) // 2

    def contains(self, score: int) -> bool:
        return self.min <= score <= self.max


class Criterion(_Model):
    id: Identifier
    name: ShortText
    weight: float = Field(default=1.0, gt=0, le=100)
    listen_for: list[Text] = Field(min_length=1, max_length=20, description="Signals an interviewer listens for.")
    anchors: dict[int, Text] = Field(
        description="What an answer at a given score sounds like; at least the low, middle and top of the scale."
    )


class Rubric(_Model):
    scale: ScoreScale = ScoreScale()
    criteria: list[Criterion] = Field(min_length=3, max_length=5)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"criterion ids must be unique; repeated: {', '.join(dupes)}")
        required = {self.scale.min, self.scale.middle, self.scale.max}
        for criterion in self.criteria:
            outside = sorted(k for k in criterion.anchors if not self.scale.contains(k))
            if outside:
                raise ValueError(
                    f"criterion '{criterion.id}' has anchors outside the scale "
                    f"{self.scale.min}-{self.scale.max}: {outside}"
                )
            missing = sorted(required - criterion.anchors.keys())
            if missing:
                raise ValueError(
                    f"criterion '{criterion.id}' needs anchors for the low, middle and top scores; missing {missing}"
                )
        return self

    def anchor_for(self, criterion_id: str, score: int) -> str:
        """The anchor text closest to `score` (at or below it when there is no exact one)."""
        criterion = next(c for c in self.criteria if c.id == criterion_id)
        keys = sorted(criterion.anchors)
        at_or_below = [k for k in keys if k <= score]
        return criterion.anchors[at_or_below[-1] if at_or_below else keys[0]]

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)


class Exemplar(_Model):
    """A graded sample answer: a calibration example for the LLM judge and a reference answer for the offline
    scorer. Taken from a coach's review or written by the bank's author."""

    answer: Text
    grades: dict[Identifier, int] = Field(
        min_length=1, description="The grade of the answer per rubric criterion id, on the rubric's scale."
    )
    note: str = Field(default="", max_length=2000, description="Why it earns these grades, in a sentence or two.")
    source: str = Field(default="", max_length=200, description="Who graded it, e.g. a coach's name.")


def exemplar_problems(exemplars: list[Exemplar], rubric: Rubric) -> list[str]:
    """Grades naming criteria the rubric lacks, or lying off its scale; empty when every exemplar fits."""
    known = [c.id for c in rubric.criteria]
    problems = []
    for number, exemplar in enumerate(exemplars, start=1):
        unknown = sorted(set(exemplar.grades) - set(known))
        if unknown:
            problems.append(
                f"exemplar {number} grades {', '.join(unknown)}, not in the rubric (its criteria: {', '.join(known)})"
            )
        outside = sorted(f"{k}={v}" for k, v in exemplar.grades.items() if not rubric.scale.contains(v))
        if outside:
            problems.append(
                f"exemplar {number} has grades off the scale {rubric.scale.min}-{rubric.scale.max}: "
                + ", ".join(outside)
            )
    return problems


_NO_EXEMPLARS: Any = Field(
    default_factory=list,
    max_length=5,
    description="Graded sample answers; the LLM judge sees up to two as calibration examples.",
    exclude_if=lambda value: not value,  # snapshots of banks without exemplars stay as they were
)


class Competency(_Model):
    id: Identifier
    name: ShortText
    description: Text
    rubric: Rubric
    exemplars: list[Exemplar] = _NO_EXEMPLARS

    @model_validator(mode="after")
    def _exemplars_fit(self) -> Self:
        problems = exemplar_problems(self.exemplars, self.rubric)
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Question(_Model):
    id: Identifier
    competency: Identifier
    text: Text
    kind: QuestionKind
    level: Level = Level.MID
    follow_ups: list[Text] = Field(default_factory=list, max_length=10)
    time_limit_s: int | None = Field(default=None, ge=15, le=1800, description="Answer time limit in seconds.")
    tags: list[Identifier] = Field(default_factory=list, max_length=20)
    strong_answer: list[Text] = Field(
        min_length=1, max_length=15, description="Outline of what a strong answer covers."
    )
    exemplars: list[Exemplar] = _NO_EXEMPLARS


class Bank(_Model):
    format_version: int = Field(default=BANK_FORMAT_VERSION, ge=1, le=BANK_FORMAT_VERSION)
    id: Identifier
    name: ShortText
    description: str = ""
    competencies: list[Competency] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        # Duplicate ids and unknown competencies are checked by the bank loader, which knows
        # the other active banks and can point at the offending line.
        if not self.competencies and not self.questions:
            raise ValueError("the bank is empty: add competencies or questions")
        # A question's exemplars are checked here when its competency is in the same bank.
        for question in self.questions:
            competency = self.competency(question.competency)
            problems = exemplar_problems(question.exemplars, competency.rubric) if competency else []
            if problems:
                raise ValueError(f"question '{question.id}': " + "; ".join(problems))
        return self

    def competency(self, competency_id: str) -> Competency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)
