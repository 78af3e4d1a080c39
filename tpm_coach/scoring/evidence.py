"""Where each criterion's evidence sits in the transcript, as non-overlapping spans for highlighting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.domain import CriterionScore


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    criterion: int  # index into the criteria given


def _locate(text: str, quote: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is not None and end is not None and 0 <= start < end <= len(text):
        return start, end
    quote = quote.strip().strip("\"'“”")
    if not quote:
        return None
    found = text.lower().find(quote.lower())
    return (found, found + len(quote)) if found >= 0 else None


def evidence_spans(text: str, criteria: Sequence[CriterionScore]) -> list[Span]:
    """Spans sorted by position; where quotes overlap, the earlier criterion keeps the characters."""
    owner: list[int | None] = [None] * len(text)
    for index, criterion in enumerate(criteria):
        for evidence in criterion.evidence:
            where = _locate(text, evidence.quote, evidence.start, evidence.end)
            if where is None:
                continue
            for position in range(*where):
                if owner[position] is None:
                    owner[position] = index
    spans: list[Span] = []
    position = 0
    while position < len(text):
        current = owner[position]
        end = position
        while end < len(text) and owner[end] == current:
            end += 1
        if current is not None:
            spans.append(Span(position, end, current))
        position = end
    return spans
