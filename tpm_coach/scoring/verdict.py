"""The feedback read in ten seconds: the strongest point, the one fix that would raise the score most, and which
points of a stronger answer the answer already made."""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain import Competency, CriterionScore, ScoreResult
from tpm_coach.language.sentences import split_sentences
from tpm_coach.scoring.relevance import GUIDE_WORDS_FOR_FULL, topical_stems

_QUOTE_WORDS = 18  # a quote longer than this is cut: the verdict is read at a glance, the transcript holds the rest


@dataclass(frozen=True)
class VerdictPoint:
    criterion_id: str
    criterion_name: str
    score: int
    quote: str  # the candidate's own words behind this point; '' when the answer said nothing for it
    advice: str  # for the fix: what the next score up sounds like; for the strength: why it scored well


@dataclass(frozen=True)
class Verdict:
    overall: float
    scale_max: int
    strongest: VerdictPoint | None
    fix: VerdictPoint | None
    gain: float  # how much the overall score rises when the fix's criterion goes up one step


def _short(quote: str) -> str:
    words = quote.split()
    return quote.strip() if len(words) <= _QUOTE_WORDS else " ".join(words[:_QUOTE_WORDS]) + " …"


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0].text.strip() if sentences else text.strip()


def _quote(criterion: CriterionScore) -> str:
    return next((_short(e.quote) for e in criterion.evidence if e.quote.strip()), "")


def build_verdict(result: ScoreResult, competency: Competency) -> Verdict:
    """The strongest criterion (highest score, then heaviest) and the fix with the largest weighted step up."""
    rubric = competency.rubric
    definitions = {c.id: c for c in rubric.criteria}
    scored = [c for c in result.criteria if c.id in definitions]
    total = rubric.total_weight or 1.0
    strongest: VerdictPoint | None = None
    fix: VerdictPoint | None = None
    gain = 0.0
    if scored:
        best = max(scored, key=lambda c: (c.score, definitions[c.id].weight))
        strongest = VerdictPoint(
            best.id, definitions[best.id].name, best.score, _quote(best), _first_sentence(best.rationale)
        )
        # The fix is another criterion than the strength whenever there is one, so the two say different things.
        room = [c for c in scored if c.score < rubric.scale.max and (c.id != best.id or len(scored) == 1)]
        if room:
            # One step on a heavy criterion moves the weighted mean most; among equals, the lowest score is the
            # easiest step to take.
            worst = max(room, key=lambda c: (definitions[c.id].weight, -c.score))
            step_up = rubric.anchor_for(worst.id, worst.score + 1)
            fix = VerdictPoint(worst.id, definitions[worst.id].name, worst.score, _quote(worst), step_up)
            gain = round(definitions[worst.id].weight / total, 2)
    return Verdict(result.overall, result.scale_max, strongest, fix, gain)


def outline_covered(points: list[str], answer: str) -> list[bool]:
    """Per outline point, whether one sentence of the answer shares enough of its topical words to have made it.

    The same test as the offline scorer's full credit for a point of the question's guide.
    """
    # Stems per sentence only: the offline scorer's fuller sentence analysis costs twice as much, and this runs on
    # the GUI thread each time feedback is shown (bench/verdict.py).
    sentences = [topical_stems(sentence.text) for sentence in split_sentences(answer)]
    covered = []
    for point in points:
        wanted = topical_stems(point)
        best = max((len(wanted & stems) for stems in sentences), default=0)
        covered.append(bool(wanted) and best >= min(GUIDE_WORDS_FOR_FULL, len(wanted)))
    return covered
