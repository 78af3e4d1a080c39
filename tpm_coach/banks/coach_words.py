"""A bank problem in a coach's words, for the bank editor: "Skill “Planning”, criterion 2: weights must be above
0" rather than the loader's "competencies[0].rubric.criteria[1].weight: Input should be greater than 0".

The loader's wording (file, path and line) stays for `tpm-coach bank validate`, where a path is what a person
editing the YAML needs.
"""

from __future__ import annotations

import re
from typing import Any

from tpm_coach.errors import BankProblem

_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")
_GOT = re.compile(r" \(got .*\)$")

# What each kind of record is called, and what its fields are called.
_RECORDS = {"questions": "question", "competencies": "skill", "criteria": "criterion"}
_FIELDS = {
    "name": "name",
    "text": "question text",
    "id": "id",
    "weight": "weight",
    "kind": "kind",
    "level": "level",
    "time_limit_s": "time limit",
    "competency": "skill",
    "description": "description",
    "strong_answer": "strong-answer point",
    "follow_ups": "follow-up",
    "listen_for": "listen-for phrase",
    "anchors": "anchors",
    "scale": "score scale",
    "criteria": "criteria",
}
_KINDS = "Behavioural, Program sense, Technical, Strategy or Situational"
_LEVELS = "Entry, Mid, Senior or Staff"


def _steps(location: str) -> list[tuple[str, int | None]]:
    return [(m.group(1), int(m.group(2)) if m.group(2) else None) for m in _STEP.finditer(location)]


def _record_name(kind: str, index: int, node: Any) -> str:
    noun = _RECORDS[kind]
    label = node.get("name") if isinstance(node, dict) else None
    if kind == "questions" and isinstance(node, dict):
        words = str(node.get("text") or "").split()
        label = " ".join(words[:6]) + (" …" if len(words) > 6 else "") if words else None
    title = f"{noun.capitalize()} {index + 1}"
    return f"{title} “{label}”" if label else title


def where(location: str, data: dict[str, Any]) -> str:
    """The record a location points at, named as the editor's outline names it."""
    parts: list[str] = []
    node: Any = data
    for key, index in _steps(location):
        node = node.get(key) if isinstance(node, dict) else None
        if key in _RECORDS and index is not None:
            item = node[index] if isinstance(node, list) and 0 <= index < len(node) else None
            parts.append(_record_name(key, index, item))
            node = item
        elif index is not None and isinstance(node, list):
            node = node[index] if 0 <= index < len(node) else None
    return ", ".join(parts) if parts else "The bank"


def _field(location: str) -> tuple[str, str]:
    """The field a location ends in, and the kind of record holding it."""
    steps = _steps(location)
    record = next((_RECORDS[k] for k, i in reversed(steps) if k in _RECORDS and i is not None), "bank")
    last, index = steps[-1] if steps else ("", None)
    if last in _RECORDS and index is not None:
        return "", record
    return last, record


def what(location: str, message: str) -> str:
    """The problem itself, said as a coach would."""
    field, record = _field(location)
    bare = _GOT.sub("", message)
    if bare.startswith(("String should have at least 1 character", "required field is missing")):
        if field == "name":
            return f"a {record} needs a name"
        if field == "text":
            return "a question needs its text"
        if field in ("strong_answer", "listen_for", "follow_ups"):
            return f"a {_FIELDS[field]} cannot be empty: write it or remove it"
        return f"the {_FIELDS.get(field, field)} cannot be empty"
    if field == "weight" and "greater than" in bare:
        return "weights must be above 0"
    if field == "kind":
        return f"choose a kind: {_KINDS}"
    if field == "level":
        return f"choose a level: {_LEVELS}"
    bounds = re.match(r"Input should be (greater|less) than(?: or equal to)? ([\d.]+)", bare)
    if bounds:
        name = _FIELDS.get(field, field)
        seconds = " seconds" if field == "time_limit_s" else ""
        side = "at least" if bounds.group(1) == "greater" else "at most"
        return f"the {name} must be {side} {bounds.group(2)}{seconds}"
    if bare.startswith("List should have at least"):
        count = re.search(r"at least (\d+)", bare)
        return f"a {record} needs at least {count.group(1) if count else 'more'} {_FIELDS.get(field, field)}"
    if bare.startswith("Input should be a valid number"):
        return f"the {_FIELDS.get(field, field)} must be a number"
    if bare.startswith("String should have at most"):
        count = re.search(r"at most (\d+)", bare)
        return f"the {_FIELDS.get(field, field)} is too long: at most {count.group(1) if count else ''} characters"
    if bare.startswith("unknown competency"):
        return "choose one of the skills for this question"
    duplicate = re.match(r"duplicate (\w+) id '([^']*)'", bare)
    if duplicate:
        return f"another {duplicate.group(1)} already uses the id “{duplicate.group(2)}”: give this one its own"
    return bare


def in_coach_words(problem: BankProblem, data: dict[str, Any]) -> str:
    """Where and what, in one line: "Skill 2 “Planning”, Criterion 1 “Scope”: weights must be above 0"."""
    return f"{where(problem.location, data)}: {what(problem.location, problem.message)}"
