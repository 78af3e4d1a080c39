"""Systematic mutations of the built-in bank, each of which must give a BankError naming the right place.

Mutations, derived from the bank models so they follow the format as it evolves: drop each required
key, give each field a value of the wrong type (at the first, middle and last question, competency and
criterion), duplicate ids, duplicate YAML keys, and questions pointing at competencies that do not exist.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, get_origin

import yaml
from pydantic import BaseModel

from tpm_coach.domain import Bank, Competency, Criterion, Question, Rubric, ScoreScale
from tpm_coach.paths import default_bank_path

Data = dict[str, Any]
# libyaml's dumper when present: the text is only the input here, and it is ten times faster.
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Mutation:
    label: str
    expected_location: str
    change: Callable[[Data], None] | None = None  # on the data, before dumping to YAML
    text_change: Callable[[str], str] | None = None  # on the YAML text, for what data cannot express
    message_has: str = ""


@cache
def default_data() -> Data:
    return dict(yaml.safe_load(default_bank_path().read_text(encoding="utf-8")))


def positions(count: int) -> list[int]:
    return sorted({0, count // 2, count - 1})


def wrong_values(annotation: Any, every_kind: bool) -> list[Any]:
    """Values pydantic never coerces into a field of this type (scalars: a mapping, and a list if `every_kind`)."""
    origin = get_origin(annotation)
    if origin is list:
        return ["a plain string, not a list"]
    if origin is dict:
        return [["a", "list", "not", "a", "mapping"]]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ["a plain string, not a mapping"]
    return [{"a": "mapping, not a scalar"}, *([["a list, not a scalar"]] if every_kind else [])]


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def location(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def model_places() -> Iterator[tuple[type[BaseModel], tuple[Any, ...]]]:
    """Every model in the bank, at the first, middle and last of each list."""
    data = default_data()
    yield Bank, ()
    for c in positions(len(data["competencies"])):
        yield Competency, ("competencies", c)
        yield Rubric, ("competencies", c, "rubric")
        yield ScoreScale, ("competencies", c, "rubric", "scale")
        criteria = data["competencies"][c]["rubric"]["criteria"]
        for k in positions(len(criteria)):
            yield Criterion, ("competencies", c, "rubric", "criteria", k)
    for q in positions(len(data["questions"])):
        yield Question, ("questions", q)


def _drop(path: tuple[Any, ...], key: str) -> Callable[[Data], None]:
    return lambda data: at(data, path).pop(key)


def _set(path: tuple[Any, ...], key: str, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        at(data, path)[key] = copy.deepcopy(value)

    return change


def _insert_after(line_start: str, extra: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        lines = text.splitlines()
        index = next(i for i, line in enumerate(lines) if line.startswith(line_start))
        return "\n".join([*lines[: index + 1], extra, *lines[index + 1 :]]) + "\n"

    return change


def mutations() -> list[Mutation]:
    data = default_data()
    out: list[Mutation] = []
    seen_models: set[type[BaseModel]] = set()
    for model, path in model_places():
        first_place = model not in seen_models
        seen_models.add(model)
        node = at(data, path)
        for name, field in model.model_fields.items():
            where = location((*path, name))
            if field.is_required():
                out.append(Mutation(f"drop {where}", where, _drop(path, name), message_has="required"))
            if name not in node and not field.is_required():
                continue  # optional and absent here: a wrong type is tried where it is present
            for value in wrong_values(field.annotation, every_kind=first_place):
                out.append(Mutation(f"wrong type {where} = {type(value).__name__}", where, _set(path, name, value)))
    questions, competencies = data["questions"], data["competencies"]
    last_q, last_c = len(questions) - 1, len(competencies) - 1
    for i, j in [(0, 1), (0, last_q), (last_q // 2, last_q), (1, last_q // 2)]:
        where = f"questions[{j}].id"
        change = _set(("questions", j), "id", questions[i]["id"])
        out.append(Mutation(f"duplicate {where} (= [{i}])", where, change, message_has="duplicate"))
    for i, j in [(0, 1), (0, last_c), (2, 4)]:
        where = f"competencies[{j}].id"
        change = _set(("competencies", j), "id", competencies[i]["id"])
        out.append(Mutation(f"duplicate {where} (= [{i}])", where, change, message_has="duplicate"))
    for c in (0, last_c):
        first = competencies[c]["rubric"]["criteria"][0]["id"]
        where = f"competencies[{c}].rubric"
        change = _set(("competencies", c, "rubric", "criteria", 1), "id", first)
        out.append(Mutation(f"duplicate criterion id in {where}", where, change, message_has="unique"))
    out.append(Mutation("duplicate YAML key name", "", text_change=_insert_after("name:", "name: Again")))
    for q in positions(len(questions)):
        qid = questions[q]["id"]
        change = _insert_after(f"- id: {qid}", "  id: again")
        out.append(Mutation(f"duplicate YAML key in questions[{q}]", "", text_change=change, message_has="twice"))
    dangling = {q for q in positions(len(questions))}
    dangling |= {next(i for i, q in enumerate(questions) if q["competency"] == c["id"]) for c in competencies}
    for q in sorted(dangling):
        where = f"questions[{q}].competency"
        out.append(
            Mutation(
                f"dangling {where}", where, _set(("questions", q), "competency", "no-such-skill"), message_has="unknown"
            )
        )
    out.append(
        Mutation(
            "dangling competency in the wrong case (questions[0])",
            "questions[0].competency",
            _set(("questions", 0), "competency", questions[0]["competency"].title()),
        )
    )
    return out


def mutated_text(mutation: Mutation) -> str:
    data = copy.deepcopy(default_data())
    if mutation.change:
        mutation.change(data)
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=110)
    return mutation.text_change(text) if mutation.text_change else text
