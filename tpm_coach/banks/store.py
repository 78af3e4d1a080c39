"""Writing banks: normalised YAML/JSON, atomic saves into the user's bank folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.banks.yaml_source import count_problem, count_values, size_problem
from tpm_coach.domain import Bank
from tpm_coach.errors import BankError, BankProblem

# The libyaml emitter writes the same text as the pure-Python one, several times faster for big banks.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def bank_to_data(bank: Bank) -> dict[str, Any]:
    """Every field as plain data, defaults filled in: the form a bank is edited in."""
    return bank.model_dump(mode="json", exclude_none=True)


def bank_to_source(bank: Bank) -> dict[str, Any]:
    """The fields the bank's source set, and only those: what saving and exporting write.

    Filling in defaults would grow every question by empty lists and default values, enough for a
    bank that loads to be written out as one that no longer does.
    """
    return bank.model_dump(mode="json", exclude_unset=True, exclude_none=True)


def banks_to_export(banks: list[Bank]) -> dict[str, Any]:
    """One bank as itself; several merged with top-level `competencies` and `questions` lists."""
    if len(banks) == 1:
        return bank_to_source(banks[0])
    return {
        "banks": [{"id": b.id, "name": b.name} for b in banks],
        "competencies": [c for b in banks for c in bank_to_source(b).get("competencies", [])],
        "questions": [q for b in banks for q in bank_to_source(b).get("questions", [])],
    }


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def encode_bank(bank: Bank, source: str) -> bytes:
    """The YAML a save writes, refused with the reader's own limits so a saved bank always loads again.

    The saved form can exceed what its source held: aliases in the source are written out in full.
    `source` names the file the bank came from, for the message.
    """
    data = bank_to_source(bank)
    too_many = count_problem(count_values(data))
    if too_many:
        raise BankError([BankProblem(source, "", f"once saved, {too_many}")], _SPLIT_HINT)
    encoded = dump_yaml(data).encode("utf-8")
    too_big = size_problem(len(encoded))
    if too_big:
        raise BankError([BankProblem(source, "", f"once saved, {too_big}")], _SPLIT_HINT)
    return encoded


_SPLIT_HINT = "split the bank into several files (several banks can be active together)"


def save_bank(bank: Bank, path: Path) -> None:
    """Atomically write `bank` as YAML: a crash leaves the old file or the new one, never a mix."""
    atomic_write_bytes(path, encode_bank(bank, str(path)))
