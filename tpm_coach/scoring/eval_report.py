"""What a judge run measured: per-answer outcomes, the summary measures (ordering accuracy, Spearman,
repeatability, verified evidence, first-try valid replies, latency, tokens) and their text and JSON forms.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable
from dataclasses import dataclass, field

from tpm_coach.domain import ScoreResult
from tpm_coach.scoring.eval_stats import LabelledScore, OrderedPair, accuracy, labelled_pairs, percentile, spearman

TRAPS = ("off-topic", "keyword-salad", "injection")


@dataclass(frozen=True)
class Run:
    """What one scoring call tells about the judge."""

    overall: float
    criteria: int
    verified: int  # criteria whose evidence is all found, word for word, at its place in the answer
    latency_ms: int | None
    tokens: int | None
    first_try: bool | None  # LLM only: the first reply was valid, with no repair request

    @classmethod
    def of(cls, result: ScoreResult, transcript: str) -> Run:
        verified = sum(
            1
            for c in result.criteria
            if c.evidence
            and not c.flagged
            and all(e.start is not None and transcript[e.start : e.end] == e.quote for e in c.evidence)
        )
        counted = [t for t in (result.prompt_tokens, result.completion_tokens) if t is not None]
        return cls(
            overall=result.overall,
            criteria=len(result.criteria),
            verified=verified,
            latency_ms=result.latency_ms,
            tokens=sum(counted) if counted else None,
            # A repaired reply carries the repair template's version after a '+' (see LlmScorer.score).
            first_try=None if result.scorer != "llm" else "+" not in result.prompt_version,
        )


def _mean(runs: list[Run]) -> float | None:
    return round(statistics.fmean(r.overall for r in runs), 3) if runs else None


def _spread(runs: list[Run]) -> float:
    return round(max(r.overall for r in runs) - min(r.overall for r in runs), 3) if runs else 0.0


@dataclass(frozen=True)
class AnswerOutcome:
    id: str
    question: Hashable
    level: int
    category: str
    runs: list[Run]
    error: str = ""

    @property
    def score(self) -> float | None:
        return _mean(self.runs)

    @property
    def spread(self) -> float:
        return _spread(self.runs)


@dataclass(frozen=True)
class PairOutcome:
    id: str
    stronger_runs: list[Run]
    weaker_runs: list[Run]
    error: str = ""

    @property
    def ordered(self) -> OrderedPair:
        return OrderedPair(self.id, _mean(self.stronger_runs), _mean(self.weaker_runs))


@dataclass(frozen=True)
class RepeatOutcome:
    id: str
    runs: list[Run]
    error: str = ""

    @property
    def scores(self) -> list[float]:
        return [r.overall for r in self.runs]

    @property
    def spread(self) -> float:
        return _spread(self.runs)

    @property
    def stdev(self) -> float:
        return round(statistics.pstdev(self.scores), 3) if len(self.runs) > 1 else 0.0


@dataclass
class ScorerReport:
    scorer: str
    repeat: int = 1
    answers: list[AnswerOutcome] = field(default_factory=list)
    pairs: list[PairOutcome] = field(default_factory=list)
    repeats: list[RepeatOutcome] = field(default_factory=list)

    # -- ordering and agreement with the labels ---------------------------------------------------
    @property
    def answer_pairs(self) -> list[OrderedPair]:
        return labelled_pairs([LabelledScore(a.id, a.question, a.level, a.score) for a in self.answers])

    @property
    def ordered_pairs(self) -> list[OrderedPair]:
        return [p.ordered for p in self.pairs] + self.answer_pairs

    @property
    def accuracy(self) -> float | None:
        return accuracy(self.ordered_pairs)

    @property
    def spearman(self) -> float | None:
        scored = [a for a in self.answers if a.score is not None]
        rho = spearman([a.level for a in scored], [a.score or 0.0 for a in scored])
        return None if rho is None else round(rho, 3)

    def highest(self, category: str) -> float | None:
        scores = [a.score for a in self.answers if a.category == category and a.score is not None]
        return max(scores) if scores else None

    # -- stability --------------------------------------------------------------------------------
    @property
    def max_spread(self) -> float:
        spreads = [a.spread for a in self.answers] + [r.spread for r in self.repeats]
        return max(spreads, default=0.0)

    @property
    def mean_stdev(self) -> float:
        return round(statistics.fmean(r.stdev for r in self.repeats), 3) if self.repeats else 0.0

    # -- what each reply carried ------------------------------------------------------------------
    @property
    def runs(self) -> list[Run]:
        out = [r for a in self.answers for r in a.runs]
        out += [r for p in self.pairs for r in (*p.stronger_runs, *p.weaker_runs)]
        return out + [r for rep in self.repeats for r in rep.runs]

    @property
    def errors(self) -> int:
        errors = [a.error for a in self.answers] + [p.error for p in self.pairs] + [r.error for r in self.repeats]
        return sum(1 for e in errors if e)

    @property
    def evidence_share(self) -> float | None:
        criteria = sum(r.criteria for r in self.runs)
        return round(sum(r.verified for r in self.runs) / criteria, 3) if criteria else None

    @property
    def first_try_share(self) -> float | None:
        flags = [r.first_try for r in self.runs if r.first_try is not None]
        return round(sum(flags) / len(flags), 3) if flags else None

    def latency_ms(self, share: float) -> float | None:
        return percentile([r.latency_ms for r in self.runs if r.latency_ms is not None], share)

    @property
    def tokens_per_score(self) -> float | None:
        counted = [r.tokens for r in self.runs if r.tokens is not None]
        return round(statistics.fmean(counted)) if counted else None

    # -- output -----------------------------------------------------------------------------------
    def as_dict(self) -> dict[str, object]:
        pairs = self.ordered_pairs
        return {
            "scorer": self.scorer,
            "repeat": self.repeat,
            "pairs": len(pairs),
            "correct": sum(p.correct for p in pairs),
            "accuracy": self.accuracy,
            "spearman": self.spearman,
            "max_spread": self.max_spread,
            "mean_stdev": self.mean_stdev,
            "evidence_share": self.evidence_share,
            "first_try_valid": self.first_try_share,
            "latency_ms": {"p50": self.latency_ms(50), "p95": self.latency_ms(95)},
            "tokens_per_score": self.tokens_per_score,
            "highest": {category: self.highest(category) for category in TRAPS},
            "errors": self.errors,
            "answer_results": [
                {
                    "id": a.id,
                    "level": a.level,
                    "category": a.category,
                    "score": a.score,
                    "scores": [r.overall for r in a.runs],
                    "spread": a.spread,
                    "error": a.error,
                }
                for a in self.answers
            ],
            "pair_results": [
                {"id": p.id, "stronger": p.stronger, "weaker": p.weaker, "correct": p.correct} for p in pairs
            ],
            "repeat_results": [
                {"id": r.id, "scores": r.scores, "spread": r.spread, "stdev": r.stdev, "error": r.error}
                for r in self.repeats
            ],
        }


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _number(value: float | None, digits: int = 2, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{unit}"


def summary_rows(report: ScorerReport) -> list[tuple[str, str]]:
    """The judge's measures as (name, value) rows, as printed and as written to docs/judge-quality.md."""
    pairs = report.ordered_pairs
    highest = ", ".join(f"{c} {_number(report.highest(c))}" for c in TRAPS)
    return [
        ("pairwise ordering accuracy", f"{_share(report.accuracy)} ({sum(p.correct for p in pairs)}/{len(pairs)})"),
        ("Spearman correlation with labels", _number(report.spearman)),
        (f"repeatability, max-min over {report.repeat} run(s)", _number(report.max_spread)),
        ("criteria with verified evidence", _share(report.evidence_share)),
        ("first-try valid replies", _share(report.first_try_share)),
        (
            "latency p50 / p95",
            f"{_number(report.latency_ms(50), 0, ' ms')} / {_number(report.latency_ms(95), 0, ' ms')}",
        ),
        ("tokens per score", _number(report.tokens_per_score, 0)),
        ("highest trap score", highest),
        ("scoring failures", str(report.errors)),
    ]


def format_report(reports: list[ScorerReport]) -> str:
    lines = []
    for report in reports:
        lines.append(f"{report.scorer}: {len(report.answers)} labelled answers, {len(report.pairs)} pairs")
        rows = summary_rows(report)
        width = max(len(name) for name, _ in rows)
        lines += [f"  {name:<{width}}  {value}" for name, value in rows]
        for p in report.ordered_pairs:
            if not p.correct:
                detail = f"{_number(p.stronger)} <= {_number(p.weaker)}"
                lines.append(f"  FAIL {p.id}: {detail}")
        for a in report.answers:
            flag = f" ({a.category})" if a.category != "genuine" else ""
            error = f" ({a.error})" if a.error else ""
            lines.append(f"  answer {a.id} [level {a.level}]{flag}: {_number(a.score)}{error}")
        for r in report.repeats:
            shown = ", ".join(f"{s:.2f}" for s in r.scores)
            lines.append(f"  repeat {r.id}: [{shown}] spread {r.spread:.2f}" + (f" ({r.error})" if r.error else ""))
    return "\n".join(lines) + "\n"
