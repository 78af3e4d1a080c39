"""Load and validate one question bank file; every problem names the file, the path inside it and the line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tpm_coach.banks.yaml_source import YamlDocument, YamlSourceError, format_location, read_yaml
from tpm_coach.domain import BANK_FORMAT_VERSION, Bank, Competency
from tpm_coach.errors import BankError, BankProblem


def load_bank(path: Path, known_competencies: Iterable[Competency] = ()) -> Bank:
    """Read, validate and cross-check a bank. Raises BankError listing every problem found."""
    name = str(path)
    try:
        document = read_yaml(path)
    except YamlSourceError as exc:
        raise BankError([BankProblem(name, "", exc.message, exc.line)]) from exc
    return bank_from_document(document, name, known_competencies)


def bank_from_document(document: YamlDocument, name: str, known_competencies: Iterable[Competency] = ()) -> Bank:
    data = document.data
    if not isinstance(data, dict):
        raise BankError([BankProblem(name, "", "a bank must be a mapping with 'id', 'name' and 'questions'", 1)])
    version = data.get("format_version", BANK_FORMAT_VERSION)
    if isinstance(version, int) and version > BANK_FORMAT_VERSION:
        raise BankError(
            [
                BankProblem(
                    name,
                    "format_version",
                    f"this bank uses format version {version}; this tpm_coach reads up to {BANK_FORMAT_VERSION}",
                    document.line_of("format_version"),
                )
            ],
            "upgrade tpm_coach to use this bank",
        )
    # Cross-field checks run on the raw data too, so one pass reports every problem in the file.
    problems = [
        BankProblem(name, location, message, document.line_of(location))
        for location, message in _cross_field_problems(data, {c.id for c in known_competencies})
    ]
    bank: Bank | None = None
    try:
        bank = Bank.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            location = format_location(err["loc"])
            if not any(p.location == location for p in problems):
                problems.append(BankProblem(name, location, _message(err), document.line_of(location)))
    if problems or bank is None:
        problems.sort(key=lambda p: (p.line or 0, p.location))
        raise BankError(problems)
    return bank


def consistency_problems(bank: Bank, known_competencies: Iterable[Competency] = ()) -> list[tuple[str, str]]:
    """Cross-field problems as (location, message): duplicate ids and questions on unknown competencies."""
    return _cross_field_problems(bank.model_dump(mode="json"), {c.id for c in known_competencies})


def _cross_field_problems(data: dict[str, Any], known_ids: set[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    competencies = data.get("competencies")
    questions = data.get("questions")
    defined = _unique_ids(competencies, "competencies", "competency", problems)
    _unique_ids(questions, "questions", "question", problems)
    known = defined | known_ids
    for i, question in enumerate(questions if isinstance(questions, list) else []):
        competency = question.get("competency") if isinstance(question, dict) else None
        if isinstance(competency, str) and competency not in known:
            choices = ", ".join(sorted(known)) or "none defined"
            problems.append((f"questions[{i}].competency", f"unknown competency '{competency}' (known: {choices})"))
    return problems


def _unique_ids(items: object, field: str, label: str, problems: list[tuple[str, str]]) -> set[str]:
    first: dict[str, int] = {}
    for i, item in enumerate(items if isinstance(items, list) else []):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str):
            continue
        if item_id in first:
            problems.append((f"{field}[{i}].id", f"duplicate {label} id '{item_id}' (first at [{first[item_id]}])"))
        first.setdefault(item_id, i)
    return set(first)


def _message(err: object) -> str:
    detail = err  # pydantic's ErrorDetails is a TypedDict
    assert isinstance(detail, dict)
    kind = detail.get("type", "")
    msg = str(detail.get("msg", "invalid value"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see docs/question-banks.md)"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    value = detail.get("input")
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(detail.get("ctx", {}).get("pattern", "")):
        msg = "ids use lower-case letters, digits, '-', '_' or '.' and start with a letter or digit"
    if isinstance(value, str | int | float | bool) and kind != "value_error":
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg} (got {shown})"
    return msg
