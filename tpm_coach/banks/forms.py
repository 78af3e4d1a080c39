"""What each bank editor form shows, and which problems belong beside which field (no Qt here)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tpm_coach.banks.coach_words import what
from tpm_coach.banks.draft import within
from tpm_coach.domain import Level, QuestionKind
from tpm_coach.errors import BankProblem


class FieldKind(StrEnum):
    READ_ONLY = "read-only"  # shown, never edited (the bank id: the file is named after it)
    LINE = "line"
    TEXT = "text"
    LINES = "lines"  # a list of strings, one per line
    TAGS = "tags"  # a list of identifiers, comma separated
    CHOICE = "choice"
    COMPETENCY = "competency"  # an editable choice of competency ids
    OPTIONAL_SECONDS = "optional-seconds"
    WEIGHT = "weight"
    SCALE = "scale"  # {"min": int, "max": int}
    ANCHORS = "anchors"  # {score: text}


@dataclass(frozen=True)
class FieldSpec:
    key: tuple[str, ...]
    label: str
    kind: FieldKind
    hint: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSpec:
    title: str
    fields: tuple[FieldSpec, ...]
    # Locations inside this record that belong to another form (a competency's criteria have their own).
    children: tuple[str, ...] = field(default_factory=tuple)


BANK_FORM = FormSpec(
    "Bank",
    (
        FieldSpec(("id",), "Bank id", FieldKind.READ_ONLY, "Chosen when the bank was created; names its file."),
        FieldSpec(("name",), "Name", FieldKind.LINE),
        FieldSpec(("description",), "Description", FieldKind.TEXT),
    ),
    children=("competencies[", "questions["),
)

COMPETENCY_FORM = FormSpec(
    "Skill",
    (
        FieldSpec(("id",), "Id", FieldKind.LINE, "Keep the id of a built-in skill to compare progress with it."),
        FieldSpec(("name",), "Name", FieldKind.LINE),
        FieldSpec(("description",), "Description", FieldKind.TEXT, "What the interviewer is assessing."),
        FieldSpec(("rubric", "scale"), "Score scale", FieldKind.SCALE),
    ),
    children=("rubric.criteria[",),
)

CRITERION_FORM = FormSpec(
    "Rubric criterion",
    (
        FieldSpec(("id",), "Id", FieldKind.LINE),
        FieldSpec(("name",), "Name", FieldKind.LINE),
        FieldSpec(("weight",), "Weight", FieldKind.WEIGHT, "Relative weight in the overall score."),
        FieldSpec(("listen_for",), "Listen for", FieldKind.LINES, "Signals an interviewer listens for, one per line."),
        FieldSpec(("anchors",), "Anchors", FieldKind.ANCHORS, "What an answer at each score sounds like."),
    ),
)

QUESTION_FORM = FormSpec(
    "Question",
    (
        FieldSpec(("id",), "Id", FieldKind.LINE),
        FieldSpec(("competency",), "Skill", FieldKind.COMPETENCY),
        FieldSpec(("text",), "Question", FieldKind.TEXT),
        FieldSpec(("kind",), "Kind", FieldKind.CHOICE, choices=tuple(k.value for k in QuestionKind)),
        FieldSpec(("level",), "Level", FieldKind.CHOICE, choices=tuple(v.value for v in Level)),
        FieldSpec(("time_limit_s",), "Time limit", FieldKind.OPTIONAL_SECONDS),
        FieldSpec(("strong_answer",), "A strong answer covers", FieldKind.LINES, "One point per line."),
        FieldSpec(("follow_ups",), "Follow-up questions", FieldKind.LINES, "One per line."),
        FieldSpec(("tags",), "Tags", FieldKind.TAGS, "Comma separated, e.g. cross-team, launch."),
    ),
)


# How the fixed choices read in the editor; the bank stores the ids.
CHOICE_NAMES: dict[str, str] = {
    QuestionKind.BEHAVIORAL.value: "Behavioural",
    QuestionKind.PROGRAM_SENSE.value: "Program sense",
    QuestionKind.TECHNICAL.value: "Technical",
    QuestionKind.STRATEGY.value: "Strategy",
    QuestionKind.SITUATIONAL.value: "Situational",
    **{level.value: level.value.title() for level in Level},
}


def field_location(prefix: str, spec: FieldSpec) -> str:
    key = ".".join(spec.key)
    return f"{prefix}.{key}" if prefix else key


@dataclass
class FormProblems:
    by_field: dict[tuple[str, ...], list[str]]
    general: list[str]

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.by_field.values()) + len(self.general)


def problems_for(problems: Sequence[BankProblem], prefix: str, form: FormSpec) -> FormProblems:
    """The problems inside the record at `prefix`, each beside its field or, failing that, for the whole form."""
    out = FormProblems({spec.key: [] for spec in form.fields}, [])
    child_prefixes = [f"{prefix}.{c}" if prefix else c for c in form.children]
    for problem in problems:
        where = problem.location
        if not within(where, prefix) or any(where.startswith(child) for child in child_prefixes):
            continue
        for spec in form.fields:
            field_at = field_location(prefix, spec)
            if within(where, field_at):
                out.by_field[spec.key].append(_detail(where[len(field_at) :], spec.kind) + what(where, problem.message))
                break
        else:
            out.general.append(what(where, problem.message))
    return out


def _detail(rest: str, kind: FieldKind) -> str:
    """Where inside a field the problem is: '[2]' of a list -> 'line 3: ', '[4]' of anchors -> 'score 4: '."""
    match = re.match(r"^(?:\[|\.)([\w-]+)", rest)
    if match is None:
        return ""
    part = match.group(1)
    if kind is FieldKind.ANCHORS:
        return f"score {part}: "
    if part.isdigit():
        return f"line {int(part) + 1}: "
    return f"{part}: "
