"""The bank being edited, as plain data, validated with the same code as `tpm-coach bank validate` (no Qt here).

Records are addressed by paths such as ("questions", 3) or ("competencies", 0, "rubric", "criteria", 1);
problems come back with locations in the loader's notation ("questions[3].text").
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from tpm_coach.banks.loader import bank_from_document
from tpm_coach.banks.store import bank_to_data
from tpm_coach.banks.yaml_source import YamlDocument, format_location
from tpm_coach.domain import Bank, Competency
from tpm_coach.errors import BankError, BankProblem

RecordPath = tuple[str | int, ...]


def location(path: RecordPath) -> str:
    return format_location(path)


def within(problem_location: str, prefix: str) -> bool:
    """True when `problem_location` is `prefix` itself or lies inside it."""
    if not prefix:
        return True
    return problem_location == prefix or problem_location.startswith((prefix + ".", prefix + "["))


class BankDraft:
    def __init__(self, bank: Bank, *, known_competencies: Sequence[Competency] = (), read_only: bool = False) -> None:
        self.bank_id = bank.id
        self.read_only = read_only
        self.known_competencies = list(known_competencies)
        self.data: dict[str, Any] = bank_to_data(bank)
        self.saved: dict[str, Any] = copy.deepcopy(self.data)
        self._problems: list[BankProblem] | None = None

    # -- values ------------------------------------------------------------------------------------
    def get(self, path: RecordPath, default: Any = None) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def set(self, path: RecordPath, value: Any) -> bool:
        """Set a value (None removes an optional key); returns True when something changed."""
        if self.read_only:
            raise BankError([BankProblem(self.bank_id, "", "the built-in bank is read-only")])
        *parents, last = path
        node: Any = self.data
        for part in parents:
            if isinstance(node, dict) and part not in node:
                node[part] = {}
            node = node[part]
        if value is None:
            if isinstance(node, dict) and last in node:
                del node[last]
                self._problems = None
                return True
            return False
        if isinstance(node, dict) and node.get(last) == value:
            return False
        node[last] = value
        self._problems = None
        return True

    @property
    def dirty(self) -> bool:
        return self.data != self.saved

    def mark_saved(self, bank: Bank | None = None) -> None:
        """After a save: the saved state is the normalised bank (whitespace stripped, defaults filled)."""
        if bank is not None:
            self.data = bank_to_data(bank)
        self.saved = copy.deepcopy(self.data)
        self._problems = None

    def revert(self) -> None:
        self.data = copy.deepcopy(self.saved)
        self._problems = None

    # -- validation --------------------------------------------------------------------------------
    def problems(self) -> list[BankProblem]:
        """Every problem the bank loader would report for this data, in its order; cached until a change."""
        if self._problems is None:
            try:
                self._validate()
            except BankError as exc:
                self._problems = exc.problems
            else:
                self._problems = []
        return self._problems

    def to_bank(self) -> Bank:
        """The validated bank; raises BankError listing every problem."""
        return self._validate()

    def _validate(self) -> Bank:
        document = YamlDocument(data=copy.deepcopy(self.data))
        return bank_from_document(document, self.bank_id, self.known_competencies)

    # -- structure ---------------------------------------------------------------------------------
    def competency_ids(self) -> list[str]:
        """The bank's own competency ids, then the built-in ones questions may also use."""
        own = [str(c.get("id", "")) for c in self.data.get("competencies", [])]
        return list(dict.fromkeys([*own, *(c.id for c in self.known_competencies)]))

    def competency_names(self) -> dict[str, str]:
        """Each competency id's name, the bank's own before the built-in ones (as the bank would resolve it)."""
        names = {c.id: c.name for c in self.known_competencies}
        names.update(
            {str(c.get("id", "")): str(c.get("name") or c.get("id", "")) for c in self.data.get("competencies", [])}
        )
        return names

    def add_question(self, competency_id: str) -> RecordPath:
        questions = self.data.setdefault("questions", [])
        taken = {q.get("id") for q in questions}
        number = len(questions) + 1
        while (new_id := _question_id(self.bank_id, number)) in taken:
            number += 1
        questions.append(
            {
                "id": new_id,
                "competency": competency_id,
                "text": "",
                "kind": "behavioral",
                "level": "mid",
                "strong_answer": [],
            }
        )
        self._problems = None
        return ("questions", len(questions) - 1)

    def add_competency(self) -> RecordPath:
        competencies = self.data.setdefault("competencies", [])
        taken = set(self.competency_ids())
        number = 1
        while f"skill-{number}" in taken:
            number += 1
        criteria = [_new_criterion(i) for i in (1, 2, 3)]  # a rubric needs at least three
        competencies.append(
            {
                "id": f"skill-{number}",
                "name": f"New skill {number}",
                "description": "",
                "rubric": {"scale": {"min": 1, "max": 5}, "criteria": criteria},
            }
        )
        self._problems = None
        return ("competencies", len(competencies) - 1)

    def add_criterion(self, competency_index: int) -> RecordPath:
        rubric = self.data["competencies"][competency_index].setdefault("rubric", {})
        criteria = rubric.setdefault("criteria", [])
        taken = {c.get("id") for c in criteria}
        number = len(criteria) + 1
        while f"criterion-{number}" in taken:
            number += 1
        criteria.append(_new_criterion(number))
        self._problems = None
        return ("competencies", competency_index, "rubric", "criteria", len(criteria) - 1)

    def remove(self, path: RecordPath) -> RecordPath:
        """Remove a question, competency or criterion; returns the record to select next."""
        *parent, index = path
        items = self.get(tuple(parent))
        if not isinstance(index, int) or not isinstance(items, list) or not 0 <= index < len(items):
            raise ValueError(f"no record at {location(path)}")
        del items[index]
        self._problems = None
        if items:
            return (*parent, min(index, len(items) - 1))
        return tuple(parent[:-2]) if parent[-2:] == ["rubric", "criteria"] else ()


def _question_id(bank_id: str, number: int) -> str:
    prefix = re.sub(r"[^a-z0-9_.-]", "-", bank_id)[:50]
    return f"{prefix}.q-{number}"


def _new_criterion(number: int) -> dict[str, Any]:
    return {"id": f"criterion-{number}", "name": f"Criterion {number}", "weight": 1.0, "listen_for": [], "anchors": {}}
