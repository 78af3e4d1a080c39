"""Small valid bank documents for tests, built as plain data so tests can break them on purpose, and the
folder where the app under test keeps the banks a user imported."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml


def criterion(cid: str) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid.replace("-", " ").title(),
        "weight": 1,
        "listen_for": [f"mentions {cid}"],
        "anchors": {1: "Not addressed.", 3: "Addressed in passing.", 5: "Addressed with specifics."},
    }


def competency(cid: str = "customer-obsession") -> dict[str, Any]:
    return {
        "id": cid,
        "name": "Customer obsession",
        "description": "Starts from the customer and works backwards.",
        "rubric": {"scale": {"min": 1, "max": 5}, "criteria": [criterion("c1"), criterion("c2"), criterion("c3")]},
    }


def question(qid: str, competency_id: str = "customer-obsession") -> dict[str, Any]:
    return {
        "id": qid,
        "competency": competency_id,
        "text": f"Question {qid}: tell me about a time you put the customer first.",
        "kind": "behavioral",
        "level": "senior",
        "strong_answer": ["A specific customer problem", "The action taken", "The measured result"],
    }


def bank(bank_id: str = "acme", n_questions: int = 2) -> dict[str, Any]:
    return {
        "format_version": 1,
        "id": bank_id,
        "name": "Acme loop",
        "competencies": [competency()],
        "questions": [question(f"{bank_id}-q{i}") for i in range(1, n_questions + 1)],
    }


def large_bank_yaml(bank_id: str, n_questions: int) -> str:
    """A bank of `n_questions` short questions as YAML text, written directly: the YAML emitter would
    take longer than the test that reads it. Questions set `level` but leave the optional lists out."""
    head = yaml.safe_dump({"id": bank_id, "name": f"{bank_id} (generated)", "competencies": [competency()]})
    lines = [head, "questions:\n"]
    for i in range(n_questions):
        lines.append(
            f"- id: {bank_id}-q{i}\n  competency: customer-obsession\n  text: Question {i} about a customer.\n"
            f"  kind: behavioral\n  level: senior\n  strong_answer:\n  - The customer and the result\n"
        )
    return "".join(lines)


def user_banks_dir() -> Path:
    """Under the data folder tests/conftest.py isolated for this test."""
    return Path(os.environ["TPM_COACH_DATA_DIR"]) / "banks"


def user_bank_files() -> list[str]:
    folder = user_banks_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def aliased_bank(path: Path) -> Path:
    """Small on disk, but every question points at one long outline: written out in full it is ~6 MB."""
    outline = "Names the customer, the decision, the trade-off and the measured result. " * 50
    questions = "".join(
        f"- id: wide-q{i}\n  competency: customer-obsession\n  text: Question {i}.\n  kind: behavioral\n"
        + ("  strong_answer: &outline\n  - " + outline + "\n" if i == 0 else "  strong_answer: *outline\n")
        for i in range(1700)
    )
    head = yaml.safe_dump({"id": "wide", "name": "Wide", "competencies": [competency()]}, sort_keys=False)
    path.write_text(head + "questions:\n" + questions)
    assert path.stat().st_size < 1_000_000
    return path
