"""Writing banks: normalised YAML/JSON, atomic saves into the user's bank folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.domain import Bank


def bank_to_data(bank: Bank) -> dict[str, Any]:
    return bank.model_dump(mode="json", exclude_none=True)


def banks_to_export(banks: list[Bank]) -> dict[str, Any]:
    """One bank as itself; several merged with top-level `competencies` and `questions` lists."""
    if len(banks) == 1:
        return bank_to_data(banks[0])
    return {
        "banks": [{"id": b.id, "name": b.name} for b in banks],
        "competencies": [c for b in banks for c in bank_to_data(b)["competencies"]],
        "questions": [q for b in banks for q in bank_to_data(b)["questions"]],
    }


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_bank(bank: Bank, path: Path) -> None:
    """Atomically write `bank` as YAML: a crash leaves the old file or the new one, never a mix."""
    atomic_write_bytes(path, dump_yaml(bank_to_data(bank)).encode("utf-8"))
