"""Checking scorers against labelled answers: pairwise ordering accuracy and score spread over repeats.

An eval file (YAML) has `pairs` (a stronger and a weaker answer to one question: the stronger must score
higher) and `repeats` (one answer scored `times` times: how much does the score move?). A question is
given by `question: <id>` or by `question_text` with `competency` (and optionally `kind`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tpm_coach.banks.yaml_source import YamlSourceError, format_location, read_yaml
from tpm_coach.domain import Competency, Question, QuestionKind
from tpm_coach.errors import KnownError, ScoringError
from tpm_coach.scoring.base import Scorer, adhoc_question

# Pairs an LLM may fairly order the other way are limited to named scorers with `scorers: [offline]`.
SCORER_NAMES = ("offline", "llm")


class BankLookup(Protocol):
    def question(self, question_id: str) -> Question: ...
    def competency(self, competency_id: str) -> Competency: ...
    def competency_for(self, question: Question) -> Competency: ...


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str | None = None
    question_text: str | None = None
    competency: str | None = None
    kind: QuestionKind = QuestionKind.SITUATIONAL
    scorers: list[str] | None = None
    why: str = ""

    @model_validator(mode="after")
    def _one_question(self) -> _Entry:
        if (self.question is None) == (self.question_text is None):
            raise ValueError("give either 'question' (an id) or 'question_text' with 'competency'")
        if self.question_text is not None and not self.competency:
            raise ValueError("'question_text' needs 'competency'")
        unknown = set(self.scorers or ()) - set(SCORER_NAMES)
        if unknown:
            raise ValueError(f"unknown scorers {sorted(unknown)}; use {list(SCORER_NAMES)}")
        return self

    def applies_to(self, scorer: str) -> bool:
        return self.scorers is None or scorer in self.scorers


class EvalPair(_Entry):
    stronger: str = Field(min_length=1)
    weaker: str = Field(min_length=1)


class EvalRepeat(_Entry):
    answer: str = Field(min_length=1)
    times: int = Field(default=3, ge=2, le=50)


class EvalFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pairs: list[EvalPair] = Field(default_factory=list)
    repeats: list[EvalRepeat] = Field(default_factory=list)


def eval_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders expanded to their *.yaml and *.yml files (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            out.append(path)
    if not out:
        raise KnownError("no eval files found", "pass a YAML file or a folder of them")
    return out


def load_eval_file(path: Path) -> EvalFile:
    try:
        document = read_yaml(path)
    except YamlSourceError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise KnownError(f"{where}: {exc.message}") from exc
    try:
        return EvalFile.model_validate(document.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            location = format_location(err["loc"])
            line = document.line_of(location)
            problems.append(f"{path}{f':{line}' if line else ''}: {location}: {err['msg']}")
        raise KnownError("; ".join(problems[:5]), "see docs/offline-scorer.md for the eval file format") from exc


@dataclass(frozen=True)
class PairOutcome:
    id: str
    stronger: float | None
    weaker: float | None
    error: str = ""

    @property
    def correct(self) -> bool:
        return self.stronger is not None and self.weaker is not None and self.stronger > self.weaker


@dataclass(frozen=True)
class RepeatOutcome:
    id: str
    scores: list[float]
    error: str = ""

    @property
    def spread(self) -> float:
        return round(max(self.scores) - min(self.scores), 3) if self.scores else 0.0

    @property
    def stdev(self) -> float:
        return round(statistics.pstdev(self.scores), 3) if len(self.scores) > 1 else 0.0


@dataclass
class ScorerReport:
    scorer: str
    pairs: list[PairOutcome] = field(default_factory=list)
    repeats: list[RepeatOutcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return sum(p.correct for p in self.pairs) / len(self.pairs) if self.pairs else None

    @property
    def max_spread(self) -> float:
        return max((r.spread for r in self.repeats), default=0.0)

    @property
    def mean_stdev(self) -> float:
        return round(statistics.fmean(r.stdev for r in self.repeats), 3) if self.repeats else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "scorer": self.scorer,
            "pairs": len(self.pairs),
            "correct": sum(p.correct for p in self.pairs),
            "accuracy": self.accuracy,
            "max_spread": self.max_spread,
            "mean_stdev": self.mean_stdev,
            "pair_results": [
                {"id": p.id, "stronger": p.stronger, "weaker": p.weaker, "correct": p.correct, "error": p.error}
                for p in self.pairs
            ],
            "repeat_results": [
                {"id": r.id, "scores": r.scores, "spread": r.spread, "stdev": r.stdev, "error": r.error}
                for r in self.repeats
            ],
        }


def _resolve(entry: _Entry, lookup: BankLookup) -> tuple[Question, Competency]:
    if entry.question is not None:
        question = lookup.question(entry.question)
        return question, lookup.competency_for(question)
    competency = lookup.competency(entry.competency or "")
    return adhoc_question(entry.question_text or "", competency, entry.kind), competency


def run_eval(files: Iterable[EvalFile], lookup: BankLookup, scorers: Mapping[str, Scorer]) -> list[ScorerReport]:
    """Score every labelled answer with every scorer. Questions are resolved first, so an unknown id stops
    the run before any (possibly slow) scoring starts; a scoring failure counts against the scorer."""
    resolved_pairs = []
    resolved_repeats = []
    for data in files:
        resolved_pairs += [(p, *_resolve(p, lookup)) for p in data.pairs]
        resolved_repeats += [(r, *_resolve(r, lookup)) for r in data.repeats]
    reports = []
    for name, scorer in scorers.items():
        report = ScorerReport(name)
        for pair, question, competency in resolved_pairs:
            if not pair.applies_to(name):
                continue
            try:
                strong = scorer.score(question, competency, pair.stronger).overall
                weak = scorer.score(question, competency, pair.weaker).overall
            except ScoringError as exc:
                report.pairs.append(PairOutcome(pair.id, None, None, str(exc)))
                continue
            report.pairs.append(PairOutcome(pair.id, strong, weak))
        for repeat, question, competency in resolved_repeats:
            if not repeat.applies_to(name):
                continue
            scores: list[float] = []
            error = ""
            for _ in range(repeat.times):
                try:
                    scores.append(scorer.score(question, competency, repeat.answer).overall)
                except ScoringError as exc:
                    error = str(exc)
            report.repeats.append(RepeatOutcome(repeat.id, scores, error))
        reports.append(report)
    return reports


def format_report(reports: list[ScorerReport]) -> str:
    lines = []
    for report in reports:
        accuracy = "n/a" if report.accuracy is None else f"{report.accuracy:.0%}"
        correct = sum(p.correct for p in report.pairs)
        lines.append(
            f"{report.scorer}: ordering accuracy {accuracy} ({correct}/{len(report.pairs)} pairs), "
            f"max spread {report.max_spread:.2f}, mean stdev {report.mean_stdev:.3f} "
            f"over {len(report.repeats)} repeated answers"
        )
        for p in report.pairs:
            mark = "ok  " if p.correct else "FAIL"
            detail = p.error or f"{p.stronger:.2f} {'>' if p.correct else '<='} {p.weaker:.2f}"
            lines.append(f"  {mark} {p.id}: {detail}")
        for r in report.repeats:
            shown = ", ".join(f"{s:.2f}" for s in r.scores)
            lines.append(f"  repeat {r.id}: [{shown}] spread {r.spread:.2f}" + (f" ({r.error})" if r.error else ""))
    return "\n".join(lines) + "\n"
