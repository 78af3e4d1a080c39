"""Property-based tests of the bank parser: whatever a file holds, loading it gives a Bank or a BankError.

Never another exception, and every problem names the file and says what is wrong. Generated inputs:
YAML-like text built from YAML syntax and bank keys, arbitrary bytes, arbitrary nested data dumped to
YAML, and valid banks with one generated change deep inside. How many cases ran is printed at the end.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.banks import bank, competency, question
from tests.support.case_counts import report_cases
from tpm_coach.banks import consistency_problems, load_bank
from tpm_coach.domain import Bank
from tpm_coach.errors import BankError

COUNTS: dict[str, int] = {}
OUTCOMES = {"bank": 0, "bank_error": 0}
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


BANK_KEYS = [
    "format_version",
    "id",
    "name",
    "description",
    "competencies",
    "questions",
    "rubric",
    "scale",
    "min",
    "max",
    "criteria",
    "weight",
    "listen_for",
    "anchors",
    "competency",
    "text",
    "kind",
    "level",
    "follow_ups",
    "time_limit_s",
    "tags",
    "strong_answer",
]
FRAGMENTS = [
    *(f"{k}: " for k in BANK_KEYS),
    *(f"\n{k}:\n  - " for k in ("questions", "competencies", "criteria", "listen_for")),
    "\n",
    "\n  ",
    "\n    - ",
    "- ",
    ": ",
    "  ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "'",
    '"',
    "# comment",
    "---\n",
    "...\n",
    "|\n  ",
    ">-\n  ",
    "%YAML 1.1\n",
    "? ",
    "~",
    "null",
    "true",
    "1e400",
    "0x1F",
    "-0",
    ".nan",
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!str ",
    "!custom ",
    "behavioral",
    "senior",
    "customer-obsession",
    "\x00",
    "\ufeff",
    "\u2028",
    "é",
    "!!int ",
    "!!bool ",
    "!!timestamp ",
    "2024-02-30",
]

yamlish_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map("".join)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["behavioral", "senior", "customer-obsession", "acme-q1", "", " ", "c1"]),
)
keys = st.one_of(st.sampled_from(BANK_KEYS), st.text(max_size=10), st.integers(-3, 10), st.booleans(), st.none())
nested = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=6),
    max_leaves=40,
)


def maybe(valid: Any) -> st.SearchStrategy[Any]:
    """The valid value most of the time, arbitrary data otherwise: gets deep into validation."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), nested)


def _questions(count: int) -> st.SearchStrategy[list[Any]]:
    return st.tuples(*(maybe(question(f"acme-q{i}")) for i in range(count))).map(list)


bankish = st.fixed_dictionaries(
    {
        "id": maybe("acme"),
        "name": maybe("Acme loop"),
        "competencies": st.lists(maybe(competency()), max_size=1),
        "questions": st.integers(0, 4).flatmap(_questions),
    },
    optional={"format_version": maybe(1), "description": nested},
)


@pytest.fixture(scope="module")
def bank_file(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("properties") / "bank.yaml"
    detail = ", ".join(f"{k}: {v}" for k, v in COUNTS.items())
    outcome = f"{OUTCOMES['bank']} loaded, {OUTCOMES['bank_error']} refused with BankError"
    report_cases(pytestconfig, "bank parser property cases", sum(COUNTS.values()), f"{detail}; {outcome}")


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # what YAML counts as a line break


def check_load(path: Path, label: str) -> None:
    """The property: a Bank, or a BankError whose every problem names the file and has a message."""
    COUNTS[label] = COUNTS.get(label, 0) + 1
    text = path.read_bytes().decode("utf-8", errors="replace")
    line_count = len(_LINE_BREAK.findall(text)) + 1
    error: BankError | None = None
    try:
        loaded = load_bank(path)
    except BankError as exc:
        error = exc
    if error is None:
        OUTCOMES["bank"] += 1
        assert isinstance(loaded, Bank)
        assert consistency_problems(loaded) == []
        return
    OUTCOMES["bank_error"] += 1
    assert error.problems, "a BankError without problems"
    for problem in error.problems:
        assert problem.file == str(path)
        assert isinstance(problem.message, str)
        assert problem.message.strip()
        assert isinstance(problem.location, str)
        assert problem.line is None or 1 <= problem.line <= line_count
        assert str(problem).startswith(str(path))


@PROPERTY_SETTINGS
@given(text=yamlish_text)
def test_yaml_like_text(bank_file: Path, text: str) -> None:
    bank_file.write_text(text, encoding="utf-8", errors="surrogatepass")
    check_load(bank_file, "yaml-like text")


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes(bank_file: Path, data: bytes) -> None:
    bank_file.write_bytes(data)
    check_load(bank_file, "arbitrary bytes")


@PROPERTY_SETTINGS
@given(data=nested)
def test_arbitrary_nested_data_dumped_to_yaml(bank_file: Path, data: Any) -> None:
    bank_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    check_load(bank_file, "nested data")


@PROPERTY_SETTINGS
@given(data=bankish)
def test_bank_shaped_data_with_arbitrary_parts(bank_file: Path, data: dict[str, Any]) -> None:
    bank_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8", errors="surrogatepass")
    check_load(bank_file, "bank-shaped data")


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every value inside `node`."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _containers(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _containers(value, (*path, i))
    return out


@PROPERTY_SETTINGS
@given(choice=st.data())
def test_a_valid_bank_with_one_generated_change(bank_file: Path, choice: st.DataObject) -> None:
    data = copy.deepcopy(bank(n_questions=3))
    where = choice.draw(st.sampled_from(_containers(data)[1:]), label="where")
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    if choice.draw(st.booleans(), label="delete") and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = choice.draw(nested, label="value")
    bank_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8", errors="surrogatepass")
    check_load(bank_file, "one change in a valid bank")


UNREADABLE_VALUES = [
    "id: acme\x00\nname: Acme\n",
    "id: acme\x07\nname: Acme\n",
    "id: acme\x1b[31m\nname: Acme\n",
    "id: acme\x7f\nname: Acme\n",
    "id: acme\ufffe\nname: Acme\n",
    "id: acme\nname: Acme\ndescription: 2024-02-30\n",
    "id: acme\nname: Acme\nformat_version: !!int one\n",
    "id: acme\nname: !!float\n",
    "id: acme\nname: Acme\ndescription: !!bool maybe\n",
    "id: acme\nname: Acme\ndescription: !!timestamp soon\n",
]


@pytest.mark.parametrize("text", UNREADABLE_VALUES)
def test_known_loader_bugs_give_a_bank_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError):
        load_bank(path)
