"""Small valid bank documents for tests, built as plain data so tests can break them on purpose."""

from __future__ import annotations

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
