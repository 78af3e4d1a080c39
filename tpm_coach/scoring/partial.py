"""Criterion scores read out of a judge's reply while it is still arriving, so each can be shown as soon as the
model has written it. Only complete criterion objects count; the whole reply is still validated when it ends."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pydantic import ValidationError

from tpm_coach.domain import Competency
from tpm_coach.scoring.reply import CriterionReply


@dataclass(frozen=True)
class CriterionProgress:
    """One criterion as the judge wrote it: provisional, since the evidence rule is applied to the whole reply."""

    id: str
    score: int
    sentences: tuple[int, ...]


@dataclass(frozen=True)
class ScoringProgress:
    """Where a streamed reply stands: the content chunks received so far (servers send about one token each)
    and the criteria complete so far, in the order the model wrote them. A new request starts again at zero."""

    tokens: int
    criteria_done: tuple[CriterionProgress, ...] = ()


ProgressCallback = Callable[[ScoringProgress], None]


@dataclass
class _Container:
    """An object or array being read: where it starts, and which key or index its parent holds it under."""

    is_object: bool
    start: int
    key: str | int | None
    expect_key: bool = False
    last_key: str | None = None
    count: int = 0


class CriteriaScanner:
    """Finds the criterion objects inside `"criteria"` of a reply fed piece by piece.

    The reply's JSON is followed one character at a time (strings, nesting and keys, nothing more), and an object
    directly inside the top-level `"criteria"` is parsed only once its closing brace arrives. Criteria keyed by id
    (the schema's form) and a list of objects with an `"id"` (what schema-less servers send) are both read. A
    criterion is reported once, when its object is complete JSON with a rubric id and a score on the scale;
    anything else, including text that is not JSON at all, is passed over without an error.
    """

    def __init__(self, ids: Iterable[str], scores: range) -> None:
        self.ids = frozenset(ids)
        self.scores = scores
        self._buffer = ""
        self._pos = 0
        self._stack: list[_Container] = []
        self._in_string = False
        self._escaped = False
        self._key_start: int | None = None
        self._finished = False
        self._done: list[CriterionProgress] = []

    @classmethod
    def for_competency(cls, competency: Competency) -> CriteriaScanner:
        scale = competency.rubric.scale
        return cls((c.id for c in competency.rubric.criteria), range(scale.min, scale.max + 1))

    @property
    def done(self) -> tuple[CriterionProgress, ...]:
        return tuple(self._done)

    def feed(self, text: str) -> list[CriterionProgress]:
        """Read the next piece of the reply; returns the criteria it completed."""
        if self._finished or not text:
            return []
        self._buffer += text
        before = len(self._done)
        while self._pos < len(self._buffer) and not self._finished:
            criterion = self._step(self._buffer[self._pos])
            if criterion is not None:
                self._done.append(criterion)
            self._pos += 1
        return self._done[before:]

    def _step(self, char: str) -> CriterionProgress | None:
        if self._in_string:
            self._string_char(char)
            return None
        if not self._stack:  # before the reply's object (a code fence, say): only its opening brace matters
            if char == "{":
                self._stack.append(_Container(is_object=True, start=self._pos, key=None, expect_key=True))
            return None
        top = self._stack[-1]
        if char == '"':
            self._in_string = True
            self._key_start = self._pos if top.is_object and top.expect_key else None
        elif char in "{[":
            key = (top.last_key if not top.expect_key else None) if top.is_object else top.count
            self._stack.append(_Container(is_object=char == "{", start=self._pos, key=key, expect_key=char == "{"))
        elif char in "}]":
            return self._close()
        elif char == ",":
            if top.is_object:
                top.expect_key, top.last_key = True, None
            else:
                top.count += 1
        return None

    def _string_char(self, char: str) -> None:
        if self._escaped:
            self._escaped = False
        elif char == "\\":
            self._escaped = True
        elif char == '"':
            self._in_string = False
            if self._key_start is not None:
                top = self._stack[-1]
                top.last_key = _decode_key(self._buffer[self._key_start : self._pos + 1])
                top.expect_key = False
                self._key_start = None

    def _close(self) -> CriterionProgress | None:
        closed = self._stack.pop()
        if not self._stack:
            self._finished = True  # the reply's object is complete; whatever follows is not part of it
            return None
        if len(self._stack) != 2 or not closed.is_object or self._stack[1].key != "criteria":
            return None
        return self._criterion(closed, in_list=not self._stack[1].is_object)

    def _criterion(self, closed: _Container, *, in_list: bool) -> CriterionProgress | None:
        try:
            data = json.loads(self._buffer[closed.start : self._pos + 1], strict=False)
        except ValueError:  # brackets that do not match: not a criterion after all
            return None
        if not isinstance(data, dict):
            return None
        criterion_id = data.get("id") if in_list else closed.key
        if not isinstance(criterion_id, str) or criterion_id not in self.ids:
            return None
        if any(done.id == criterion_id for done in self._done):
            return None
        try:
            reply = CriterionReply.model_validate(data)
        except ValidationError:
            return None
        if reply.score not in self.scores:
            return None
        return CriterionProgress(criterion_id, reply.score, tuple(reply.sentences))


def _decode_key(raw: str) -> str | None:
    try:
        key = json.loads(raw, strict=False)
    except ValueError:  # an invalid escape: a key nothing can be looked up by
        return None
    return key if isinstance(key, str) else None


class StreamProgress:
    """Follows the streamed replies of one scoring, reporting after every chunk how far the current one is."""

    def __init__(self, competency: Competency, on_progress: ProgressCallback, ceiling: int | None = None) -> None:
        self._competency = competency
        self._on_progress = on_progress
        self._ceiling = ceiling  # a trap in the answer caps every criterion (traps.py): shown capped from the start
        self._scanner = CriteriaScanner.for_competency(competency)
        self._tokens = 0

    def restart(self) -> None:
        """A new request begins (the first, a retry or a repair): nothing of its reply has arrived yet."""
        self._scanner = CriteriaScanner.for_competency(self._competency)
        self._tokens = 0
        self._report()

    def add(self, text: str) -> None:
        self._tokens += 1
        self._scanner.feed(text)
        self._report()

    def _report(self) -> None:
        done = self._scanner.done
        if self._ceiling is not None:
            done = tuple(replace(c, score=min(c.score, self._ceiling)) for c in done)
        self._on_progress(ScoringProgress(self._tokens, done))
