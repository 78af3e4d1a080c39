"""The offline scorer: a deterministic, documented estimate from the rubric's own signals, used when no LLM
is configured. See docs/offline-scorer.md for the method; every score is labelled as an offline estimate.
"""

from __future__ import annotations

from tpm_coach.domain import (
    Competency,
    Criterion,
    CriterionScore,
    DeliveryMetrics,
    Evidence,
    Question,
    QuestionKind,
    ScoreResult,
    StarCheck,
    Transcript,
)
from tpm_coach.language import Sentence, compute_delivery_metrics
from tpm_coach.scoring.features import (
    AnswerShape,
    SentenceInfo,
    SignalHit,
    analyse,
    answer_shape,
    content_stems,
    hear_signals,
    length_factor,
    rounded,
    signal_stems,
)
from tpm_coach.scoring.overall import overall_score
from tpm_coach.scoring.specifics import Specificity, measure_specificity, signposting, star_parts
from tpm_coach.scoring.text import ensure_answer_present

MODEL_NAME = "offline-heuristic-v1"
METHOD_VERSION = "offline-heuristic-v1"

# How much each part of the evidence counts towards a criterion (sums to 1).
W_SIGNALS, W_SPECIFICITY, W_STRUCTURE, W_LENGTH = 0.55, 0.20, 0.15, 0.10
# Quality below FLOOR maps to the bottom of the scale, above CEILING to the top.
FLOOR, CEILING = 0.10, 0.85
FILLERS_PER_100_LIMIT = 6.0
HEDGES_PER_100_LIMIT = 3.0
_COMMUNICATION_HINTS = ("communicat", "concis", "clarity", "clear", "delivery", "audience")
_MAX_EVIDENCE = 3


class OfflineScorer:
    """Scores without any model or network; the same answer always gets the same score."""

    kind = "offline"
    model = MODEL_NAME

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        ensure_answer_present(transcript)
        rubric = competency.rubric
        scale = rubric.scale
        sentences = analyse(transcript)
        rubric_stems = frozenset().union(*(signal_stems(s) for c in rubric.criteria for s in c.listen_for))
        shape = answer_shape(transcript, sentences, rubric_stems)
        spec = measure_specificity(sentences)
        behavioral = question.kind is QuestionKind.BEHAVIORAL
        star = star_parts(sentences)
        structure = (sum(1 for s in star.values() if s) / 4) if behavioral else signposting(sentences)
        length = length_factor(shape.real_words)
        notes = [
            "Offline estimate: scored from the rubric's 'listen for' signals, structure and specificity, "
            "not by judging content. Re-score with an LLM for a fuller judgement."
        ]
        cap, cap_notes = _cap(scale.min, scale.max, shape, sentences)
        notes += cap_notes
        delivery_penalty, delivery_note = _delivery_penalty(transcript, metrics)
        if delivery_note:
            notes.append(delivery_note)

        criteria: list[CriterionScore] = []
        hits_by_criterion: dict[str, list[SignalHit]] = {}
        for criterion in rubric.criteria:
            hits = hear_signals(criterion, sentences)
            hits_by_criterion[criterion.id] = hits
            coverage = _coverage(hits)
            quality = W_SIGNALS * coverage + W_SPECIFICITY * spec.value + W_STRUCTURE * structure + W_LENGTH * length
            fraction = min(1.0, max(0.0, (quality - FLOOR) / (CEILING - FLOOR)))
            value = scale.min + rounded(fraction * (scale.max - scale.min))
            if delivery_penalty and _is_communication(competency, criterion):
                value -= 1
            value = max(scale.min, min(value, cap))
            criteria.append(
                CriterionScore(
                    id=criterion.id,
                    score=value,
                    rationale=_rationale(criterion, hits, spec, value, competency),
                    evidence=_evidence(hits, transcript),
                )
            )
        weakest = min(rubric.criteria, key=lambda c: (next(s.score for s in criteria if s.id == c.id), -c.weight))
        return ScoreResult(
            overall=overall_score(criteria, rubric),
            scale_min=scale.min,
            scale_max=scale.max,
            criteria=criteria,
            strengths=_strengths(rubric.criteria, criteria, hits_by_criterion, spec, star if behavioral else None),
            improvements=_improvements(
                weakest, hits_by_criterion[weakest.id], spec, star if behavioral else None, delivery_note
            ),
            stronger_answer=list(question.strong_answer),
            follow_up=_follow_up(question, weakest),
            star=StarCheck(**{part: found is not None for part, found in star.items()}) if behavioral else None,
            scorer="offline",
            model=MODEL_NAME,
            prompt_version=METHOD_VERSION,
            prompt_tokens=None,
            completion_tokens=None,
            latency_ms=None,
            notes=notes,
        )


def _coverage(hits: list[SignalHit]) -> float:
    """Signals heard, saturating at half of them (at least two): nobody says every phrase on the list."""
    target = max(2, (len(hits) + 1) // 2)
    return min(1.0, sum(h.credit for h in hits) / target)


def _cap(low: int, high: int, shape: AnswerShape, sentences: list[SentenceInfo]) -> tuple[int, list[str]]:
    cap = high
    notes: list[str] = []
    low_cap = low + max(1, (high - low) // 4)
    if any(i.addresses_scorer for i in sentences):
        cap = min(cap, low_cap)
        notes.append(
            "Part of this answer speaks to the scorer instead of the interviewer (for example asking for full "
            f"marks); those sentences earn nothing and every criterion is capped at {low_cap}."
        )
    if shape.looks_stuffed and not shape.looks_non_english:
        cap = min(cap, low_cap)
        notes.append(
            "Much of this answer is a list or repetition of rubric terms rather than sentences that explain "
            f"what you did, so every criterion is capped at {low_cap}. Speak in full sentences with specifics."
        )
    if shape.looks_non_english:
        cap = low
        notes.append(
            "This answer does not appear to be in English, which the offline scorer cannot read; "
            "score it with an LLM instead (Settings > LLM)."
        )
    return cap, notes


def _delivery_penalty(text: str, metrics: DeliveryMetrics | None) -> tuple[bool, str]:
    """Fillers and hedges from the recording's metrics, or counted the same way in a typed answer's text."""
    if metrics is None or not metrics.word_count:
        metrics = compute_delivery_metrics(Transcript(text=text))
    per_100 = 100 / max(1, metrics.word_count)
    filler_rate, hedge_rate = metrics.filler_count * per_100, metrics.hedge_count * per_100
    if filler_rate > FILLERS_PER_100_LIMIT or hedge_rate > HEDGES_PER_100_LIMIT:
        return True, (
            f"Delivery: {metrics.filler_count} fillers and {metrics.hedge_count} hedges in {metrics.word_count} "
            f"words ({filler_rate:.0f} and {hedge_rate:.0f} per 100) lowered the communication scores by one point."
        )
    return False, ""


def _is_communication(competency: Competency, criterion: Criterion) -> bool:
    if "communicat" in competency.id:
        return True
    label = f"{criterion.id} {criterion.name}".lower()
    return any(hint in label for hint in _COMMUNICATION_HINTS)


def _evidence(hits: list[SignalHit], transcript: str) -> list[Evidence]:
    out: list[Evidence] = []
    for hit in sorted(hits, key=lambda h: -h.credit):
        s = hit.sentence
        if s is None or any(e.start == s.start for e in out):
            continue
        out.append(Evidence(quote=transcript[s.start : s.end], start=s.start, end=s.end))
        if len(out) == _MAX_EVIDENCE:
            break
    return sorted(out, key=lambda e: e.start or 0)


def _heard(hits: list[SignalHit]) -> list[str]:
    return [h.signal for h in hits if h.credit >= 1]


def _missing(hits: list[SignalHit]) -> list[str]:
    return [h.signal for h in hits if h.credit < 1]


def _quoted(items: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in items)


def _rationale(
    criterion: Criterion, hits: list[SignalHit], spec: Specificity, value: int, competency: Competency
) -> str:
    heard = _heard(hits)
    said = f"Heard {len(heard)} of {len(hits)} signals" + (f" ({_quoted(heard)})" if heard else "")
    detail = f"; specific details: {spec.summary()}" if spec.kinds else "; no specific numbers, dates or outcomes"
    anchor = competency.rubric.anchor_for(criterion.id, value)
    return f"{said}{detail}. Closest anchor: {anchor}"


def _strengths(
    rubric_criteria: list[Criterion],
    scores: list[CriterionScore],
    hits: dict[str, list[SignalHit]],
    spec: Specificity,
    star: dict[str, Sentence | None] | None,
) -> list[str]:
    out = []
    ranked = sorted(rubric_criteria, key=lambda c: -next(s.score for s in scores if s.id == c.id))
    for criterion in ranked[:2]:
        heard = _heard(hits[criterion.id])
        if heard:
            out.append(f"{criterion.name}: you covered {_quoted(heard[:3])}.")
    if spec.kinds >= 3:
        out.append(f"Specific details make the answer credible ({spec.summary()}).")
    if star is not None and all(star.values()):
        out.append("A complete STAR story: situation, task, your actions and the result.")
    return out


def _improvements(
    weakest: Criterion,
    hits: list[SignalHit],
    spec: Specificity,
    star: dict[str, Sentence | None] | None,
    delivery_note: str,
) -> list[str]:
    out = []
    missing = _missing(hits)
    if missing:
        out.append(f"{weakest.name}: say more about {_quoted(missing[:3])}.")
    if star is not None:
        absent = [part for part, found in star.items() if found is None]
        if absent:
            out.append(f"Complete the STAR structure: add the {', '.join(absent)}.")
    if spec.kinds < 3:
        out.append("Be specific: give numbers, dates, who owned what, the outcome and the trade-off you made.")
    if delivery_note:
        out.append("Pause instead of filling silence, and state conclusions without hedging.")
    return out[:4]


def _follow_up(question: Question, weakest: Criterion) -> str:
    """The question's own follow-up that best probes the weakest criterion (the first one on a tie)."""
    if not question.follow_ups:
        return f"Can you say more about {weakest.name.lower()}?"
    target = set(content_stems(" ".join([weakest.name, *weakest.listen_for])))
    return max(question.follow_ups, key=lambda f: len(target & set(content_stems(f))))
