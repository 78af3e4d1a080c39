"""The statistics a judge is measured by: pairwise ordering against labels, Spearman rank correlation and
percentiles. Plain functions over numbers, so they can be checked by hand.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks; tied values share the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def spearman(labels: Sequence[float], scores: Sequence[float]) -> float | None:
    """Spearman's rho (Pearson correlation of average ranks); None when either side has no spread."""
    if len(labels) != len(scores):
        raise ValueError("labels and scores differ in length")
    if len(labels) < 2:
        return None
    x, y = average_ranks(labels), average_ranks(scores)
    mean_x, mean_y = sum(x) / len(x), sum(y) / len(y)
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True))
    spread = math.sqrt(sum((a - mean_x) ** 2 for a in x) * sum((b - mean_y) ** 2 for b in y))
    return covariance / spread if spread else None


@dataclass(frozen=True)
class LabelledScore:
    """One answer's label and score; only answers in the same `group` (one question) are compared."""

    id: str
    group: Hashable
    label: float
    score: float | None


@dataclass(frozen=True)
class OrderedPair:
    """A higher-labelled and a lower-labelled answer to the same question: correct when the higher scores
    strictly more (a tie is a miss: the judge could not tell them apart)."""

    id: str
    stronger: float | None
    weaker: float | None

    @property
    def correct(self) -> bool:
        return self.stronger is not None and self.weaker is not None and self.stronger > self.weaker


def labelled_pairs(items: Sequence[LabelledScore]) -> list[OrderedPair]:
    """Every pair of answers to the same question whose labels differ."""
    pairs = []
    for a, b in combinations(items, 2):
        if a.group != b.group or a.label == b.label:
            continue
        high, low = (a, b) if a.label > b.label else (b, a)
        pairs.append(OrderedPair(f"{high.id} > {low.id}", high.score, low.score))
    return pairs


def accuracy(pairs: Sequence[OrderedPair]) -> float | None:
    return sum(p.correct for p in pairs) / len(pairs) if pairs else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` 0-100): the smallest value with at least `share`% of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def mean_absolute_difference(first: Sequence[float], second: Sequence[float]) -> float | None:
    if len(first) != len(second):
        raise ValueError("the two series differ in length")
    return sum(abs(a - b) for a, b in zip(first, second, strict=True)) / len(first) if first else None


def quadratic_weighted_kappa(first: Sequence[int], second: Sequence[int], low: int, high: int) -> float | None:
    """Cohen's kappa with quadratic weights for two raters grading on the integer scale low..high.

    1 is perfect agreement, 0 what chance alone gives, below 0 worse than chance; None when chance would
    already agree completely (both raters gave one and the same grade throughout), where kappa is undefined.
    """
    if len(first) != len(second):
        raise ValueError("the two series differ in length")
    if not first or high <= low:
        return None
    if any(not low <= g <= high for g in (*first, *second)):
        raise ValueError(f"a grade lies outside the scale {low}-{high}")
    size = high - low + 1
    observed = [[0.0] * size for _ in range(size)]
    for a, b in zip(first, second, strict=True):
        observed[a - low][b - low] += 1
    rows = [sum(row) for row in observed]
    columns = [sum(observed[i][j] for i in range(size)) for j in range(size)]
    total = len(first)
    disagreement = expected = 0.0
    for i in range(size):
        for j in range(size):
            weight = (i - j) ** 2 / (size - 1) ** 2
            disagreement += weight * observed[i][j]
            expected += weight * rows[i] * columns[j] / total
    return None if expected == 0 else 1 - disagreement / expected
