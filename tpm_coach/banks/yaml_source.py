"""Safe, bounded YAML reading that remembers the line of every value, for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
# Aliases are allowed for sharing a rubric, but expansion is bounded: a "billion laughs" file
# is a few hundred bytes that expands to billions of nodes once validated.
MAX_EXPANDED_NODES = 200_000

# The libyaml-backed loader keeps the same marks and safety and parses the default bank ~8x faster.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSourceError(Exception):
    """The file cannot be read as YAML; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class YamlDocument:
    data: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, location: str) -> int | None:
        """The line of `location` or of its nearest ancestor that has one."""
        while True:
            if location in self.lines:
                return self.lines[location]
            if not location:
                return None
            cut = max(location.rfind("."), location.rfind("["))
            location = location[:cut] if cut > 0 else ""


def format_location(parts: tuple[int | str, ...] | list[int | str]) -> str:
    """('questions', 3, 'competency') -> 'questions[3].competency'."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def size_problem(size: int) -> str | None:
    """Why a bank file of `size` bytes cannot be read, or None. Saving checks the same limit."""
    if size > MAX_FILE_BYTES:
        return f"the file is {size / 1_048_576:.1f} MB; bank files are limited to {MAX_FILE_BYTES // 1_048_576} MB"
    return None


def count_problem(count: int) -> str | None:
    """Why a document of `count` values cannot be read, or None. Saving checks the same limit."""
    if count > MAX_EXPANDED_NODES:
        return f"the YAML expands to more than {MAX_EXPANDED_NODES:,} values (too many or nested aliases)"
    return None


def count_values(data: Any) -> int:
    """The values a YAML dump of `data` holds, counted as the reader counts nodes (keys are not values)."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def read_yaml(path: Path) -> YamlDocument:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlSourceError(f"cannot read the file ({exc.strerror})") from exc
    too_big = size_problem(size)
    if too_big:
        raise YamlSourceError(too_big)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSourceError(f"not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise YamlSourceError(f"cannot read the file ({exc.strerror})") from exc
    return parse_yaml(text)


def parse_yaml(text: str) -> YamlDocument:
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader refuses NUL and other control characters up front
        raise YamlSourceError(f"not valid YAML: {exc}") from exc
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlSourceError("the file is empty")
        lines: dict[str, int] = {}
        _index(node, "", lines, [0])
        data = loader.construct_document(node)
        last = _line_count(text)
        lines = {location: min(line, last) for location, line in lines.items()}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = min(mark.line + 1, _line_count(text)) if mark is not None else None
        raise YamlSourceError(f"not valid YAML: {exc.problem or exc.context}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise YamlSourceError("the YAML is nested too deeply") from exc
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors raise plain errors for values such as 2024-02-30 or `!!int x`.
        raise YamlSourceError(f"a value cannot be read as its YAML type ({exc})") from exc
    finally:
        loader.dispose()
    return YamlDocument(data=data, lines=lines)


def _line_count(text: str) -> int:
    # libyaml can put an end-of-file mark one line past a file without a final newline.
    return len(_LINE_BREAKS.findall(text)) + 1


def _index(node: yaml.Node, location: str, lines: dict[str, int], count: list[int]) -> None:
    count[0] += 1
    too_many = count_problem(count[0])
    if too_many:
        raise YamlSourceError(too_many)
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{location}.{key}" if location else key
            if key in seen:
                # PyYAML silently keeps the last value; a coach editing by hand deserves to know.
                raise YamlSourceError(f"{child}: the key '{key}' appears twice", key_node.start_mark.line + 1)
            seen.add(key)
            _index(value_node, child, lines, count)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, f"{location}[{i}]", lines, count)
