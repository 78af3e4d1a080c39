"""Checking a scorer (the judge) against labelled answers: the eval file format, and running a scorer over it.

An eval file (YAML) may hold
- `answers`: answers graded by people (`level`, higher is better; `category` marks off-topic, keyword-salad
  and prompt-injection traps). Every two answers to the same question with different levels form a pair.
- `pairs`: a `stronger` and a `weaker` answer to one question; the stronger must score higher.
- `repeats`: one answer scored `times` times, to see how much the score moves.
An answer may also carry `grades`, a coach's grade per criterion (`tpm-coach session labels` writes such files);
`coach_agreement` compares them with a scorer's criterion scores.
A question is given by `question: <id>` or by `question_text` with `competency` (and optionally `kind`).
eval_report.py turns the scores into the judge's measures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tpm_coach.banks.yaml_source import YamlSourceError, format_location, read_yaml
from tpm_coach.domain import Competency, Question, QuestionKind
from tpm_coach.errors import KnownError, ScoringError
from tpm_coach.scoring.agreement import AgreementReport, GradedAnswer, agreement_report
from tpm_coach.scoring.base import Scorer, adhoc_question
from tpm_coach.scoring.eval_report import AnswerOutcome, PairOutcome, RepeatOutcome, Run, ScorerReport

# Pairs an LLM may fairly order the other way are limited to named scorers with `scorers: [offline]`.
SCORER_NAMES = ("offline", "llm")
Category = Literal["genuine", "off-topic", "keyword-salad", "injection"]


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

    @property
    def question_key(self) -> tuple[str, str]:
        """Answers with the same key answer the same question and are compared with each other."""
        if self.question is not None:
            return ("id", self.question)
        return (self.competency or "", self.question_text or "")


class EvalAnswer(_Entry):
    answer: str = Field(min_length=1)
    level: int = Field(ge=0, le=10, description="The grade people gave the answer; higher is better.")
    category: Category = "genuine"
    grades: dict[str, int] | None = Field(
        default=None, description="A coach's grade per rubric criterion, for agreement with the judge."
    )


class EvalPair(_Entry):
    stronger: str = Field(min_length=1)
    weaker: str = Field(min_length=1)


class EvalRepeat(_Entry):
    answer: str = Field(min_length=1)
    times: int = Field(default=3, ge=2, le=50)


class EvalFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[EvalAnswer] = Field(default_factory=list)
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
        raise KnownError("; ".join(problems[:5]), "see docs/judge-quality.md for the eval file format") from exc


def _resolve(entry: _Entry, lookup: BankLookup) -> tuple[Question, Competency]:
    if entry.question is not None:
        question = lookup.question(entry.question)
        return question, lookup.competency_for(question)
    competency = lookup.competency(entry.competency or "")
    return adhoc_question(entry.question_text or "", competency, entry.kind), competency


def run_eval(
    files: Iterable[EvalFile],
    lookup: BankLookup,
    scorers: Mapping[str, Scorer],
    *,
    repeat: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[ScorerReport]:
    """Score every labelled answer (`repeat` times each), pair and repeated answer with every scorer.
    Questions are resolved first, so an unknown id stops the run before any (possibly slow) scoring starts;
    a scoring failure counts against the scorer."""
    answers, pairs, repeats = [], [], []
    for data in files:
        answers += [(a, *_resolve(a, lookup)) for a in data.answers]
        pairs += [(p, *_resolve(p, lookup)) for p in data.pairs]
        repeats += [(r, *_resolve(r, lookup)) for r in data.repeats]
    reports = []
    for name, scorer in scorers.items():
        report = ScorerReport(name, repeat=repeat)
        for answer, question, competency in answers:
            if answer.applies_to(name):
                if progress:
                    progress(f"{name}: {answer.id}")
                runs, error = _score(scorer, question, competency, answer.answer, repeat)
                report.answers.append(
                    AnswerOutcome(answer.id, answer.question_key, answer.level, answer.category, runs, error)
                )
        for pair, question, competency in pairs:
            if pair.applies_to(name):
                if progress:
                    progress(f"{name}: {pair.id}")
                strong, strong_error = _score(scorer, question, competency, pair.stronger, 1)
                weak, weak_error = _score(scorer, question, competency, pair.weaker, 1)
                report.pairs.append(PairOutcome(pair.id, strong, weak, strong_error or weak_error))
        for entry, question, competency in repeats:
            if entry.applies_to(name):
                if progress:
                    progress(f"{name}: {entry.id}")
                runs, error = _score(scorer, question, competency, entry.answer, entry.times)
                report.repeats.append(RepeatOutcome(entry.id, runs, error))
        reports.append(report)
    return reports


def _score(scorer: Scorer, question: Question, competency: Competency, text: str, times: int) -> tuple[list[Run], str]:
    runs: list[Run] = []
    error = ""
    for _ in range(times):
        try:
            runs.append(Run.of(scorer.score(question, competency, text), text))
        except ScoringError as exc:
            error = str(exc)
    return runs, error


def coach_agreement(
    files: Iterable[EvalFile], lookup: BankLookup, scorers: Mapping[str, Scorer]
) -> dict[str, tuple[AgreementReport, int]]:
    """Score every answer that carries coach `grades` with each scorer and compare criterion by criterion:
    per scorer, the agreement report and how many answers it failed to score."""
    graded = []
    for data in files:
        for answer in data.answers:
            if answer.grades:
                question, competency = _resolve(answer, lookup)
                scale = competency.rubric.scale
                off = {c: g for c, g in answer.grades.items() if not scale.min <= g <= scale.max}
                if off:
                    raise KnownError(
                        f"{answer.id}: coach grades {off} are outside the scale {scale.min}-{scale.max}",
                        f"grades of {competency.name!r} run from {scale.min} to {scale.max}",
                    )
                graded.append((answer, question, competency))
    if not graded:
        raise KnownError("no answer in these files carries coach grades", "export some with `tpm-coach session labels`")
    out: dict[str, tuple[AgreementReport, int]] = {}
    for name, scorer in scorers.items():
        both, failed = [], 0
        for answer, question, competency in graded:
            if not answer.applies_to(name):
                continue
            try:
                result = scorer.score(question, competency, answer.answer)
            except ScoringError:
                failed += 1
                continue
            both.append(GradedAnswer(answer.id, competency, answer.grades or {}, result))
        out[name] = (agreement_report(both), failed)
    return out
