"""A broken bank gives one clear message per problem, naming the file, the path inside it and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.banks import bank
from tpm_coach.banks import load_bank
from tpm_coach.banks.yaml_source import MAX_FILE_BYTES
from tpm_coach.errors import BankError


def write(tmp_path: Path, data: Any, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False) if not isinstance(data, str) else data)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(path)
    return [str(p) for p in info.value.problems]


def test_a_valid_bank_loads(tmp_path: Path) -> None:
    loaded = load_bank(write(tmp_path, bank()))
    assert loaded.id == "acme"
    assert [q.id for q in loaded.questions] == ["acme-q1", "acme-q2"]


def test_unknown_competency_names_path_and_line(tmp_path: Path) -> None:
    data = bank(n_questions=4)
    data["questions"][3]["competency"] = "telepathy"
    path = write(tmp_path, data)
    [message] = problems(path)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "telepathy" in text)
    assert message.startswith(f"{path}:{line}: questions[3].competency: unknown competency 'telepathy'")


def test_missing_and_wrongly_typed_fields_are_each_reported(tmp_path: Path) -> None:
    data = bank()
    del data["questions"][0]["text"]
    data["questions"][1]["time_limit_s"] = "three minutes"
    found = problems(write(tmp_path, data))
    assert any("questions[0].text: required field is missing" in p for p in found)
    assert any("questions[1].time_limit_s" in p and "three minutes" in p for p in found)


def test_duplicate_question_id_points_at_the_second(tmp_path: Path) -> None:
    data = bank(n_questions=3)
    data["questions"][2]["id"] = "acme-q1"
    [message] = problems(write(tmp_path, data))
    assert "questions[2].id: duplicate question id 'acme-q1'" in message


def test_empty_rubric_is_refused(tmp_path: Path) -> None:
    data = bank()
    data["competencies"][0]["rubric"]["criteria"] = []
    [message] = problems(write(tmp_path, data))
    assert "competencies[0].rubric.criteria" in message


def test_rubric_needs_low_middle_and_top_anchors(tmp_path: Path) -> None:
    data = bank()
    del data["competencies"][0]["rubric"]["criteria"][1]["anchors"][3]
    [message] = problems(write(tmp_path, data))
    assert "criterion 'c2' needs anchors for the low, middle and top scores; missing [3]" in message


def test_bad_yaml_reports_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: acme\nname: [unclosed\nquestions: []\n")
    [message] = problems(path)
    assert message.startswith(f"{path}:")
    assert "not valid YAML" in message


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    [message] = problems(write(tmp_path, "\n".join(lines) + "\n"))
    assert "expands to more than" in message


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    [message] = problems(path)
    assert f"limited to {MAX_FILE_BYTES // 1_048_576} MB" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [("", "the file is empty"), ("- just\n- a list\n", "must be a mapping"), (b"\xff\xfe", "not UTF-8")],
)
def test_not_a_bank_at_all(tmp_path: Path, content: str | bytes, expected: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    [message] = problems(path)
    assert expected in message


def test_unknown_field_is_called_out(tmp_path: Path) -> None:
    data = bank()
    data["questions"][0]["difficulty"] = "hard"
    [message] = problems(write(tmp_path, data))
    assert "questions[0].difficulty: unknown field" in message


def test_duplicate_yaml_key_is_not_silently_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "id: acme\nname: Acme\nname: Other\nquestions: []\n")
    [message] = problems(path)
    assert message == f"{path}:3: name: the key 'name' appears twice"


def test_newer_format_version_asks_for_an_upgrade(tmp_path: Path) -> None:
    data = bank()
    data["format_version"] = 2
    with pytest.raises(BankError) as info:
        load_bank(write(tmp_path, data))
    assert "format version 2" in str(info.value.problems[0])
    assert "upgrade tpm_coach" in info.value.hint


def test_bad_id_is_explained_in_words(tmp_path: Path) -> None:
    data = bank()
    data["questions"][0]["tags"] = ["Payments"]
    [message] = problems(write(tmp_path, data))
    assert "questions[0].tags[0]: ids use lower-case letters" in message
    assert "'Payments'" in message
