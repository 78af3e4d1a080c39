"""Every systematic mutation of the built-in bank (tests/support/bank_mutations.py) gives a BankError naming
the right place, never a traceback; the command line's report of them is in tests/integration/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bank_mutations import Mutation, mutated_text, mutations
from tests.support.case_counts import report_cases
from tpm_coach.banks import load_bank
from tpm_coach.errors import BankError

MUTATIONS = mutations()
RAN: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def report_counts(pytestconfig: pytest.Config) -> Iterator[None]:
    yield
    kinds: dict[str, int] = {}
    for label in RAN:
        kind = label.split(" ")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    report_cases(
        pytestconfig, "mutations of the default bank", len(RAN), ", ".join(f"{k}: {v}" for k, v in kinds.items())
    )


def test_the_unmutated_bank_loads(tmp_path: Path) -> None:
    path = tmp_path / "default.yaml"
    path.write_text(mutated_text(Mutation("none", "")), encoding="utf-8")
    assert load_bank(path).id == "default"


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.label for m in MUTATIONS])
def test_mutation_is_a_clear_bank_error(tmp_path: Path, mutation: Mutation) -> None:
    RAN.append(mutation.label)
    path = tmp_path / "mutated.yaml"
    path.write_text(mutated_text(mutation), encoding="utf-8")
    with pytest.raises(BankError) as info:
        load_bank(path)
    problems = info.value.problems
    expected = mutation.expected_location
    matching = [
        p
        for p in problems
        if p.location == expected or (expected and p.location.startswith((expected + ".", expected + "[")))
    ]
    assert matching, f"no problem at {expected!r}: {[str(p) for p in problems]}"
    for problem in problems:
        assert problem.file == str(path)
        assert problem.message.strip()
        assert problem.line is not None
    if mutation.message_has:
        assert any(mutation.message_has in p.message for p in matching), [str(p) for p in matching]
