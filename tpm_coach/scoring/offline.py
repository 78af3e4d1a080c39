"""The offline scorer: a deterministic, documented estimate from the rubric's cues and the question's strong-answer
outline, used when no LLM is configured. See docs/offline-scorer.md; every score is labelled as an offline estimate.
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
from tpm_coach.language import compute_delivery_metrics
from tpm_coach.scoring import offline_feedback as feedback
from tpm_coach.scoring.exemplars import candidate_exemplars
from tpm_coach.scoring.features import (
    SignalHit,
    analyse,
    answer_shape,
    content_stems,
    hear_signals,
    length_factor,
    rounded,
    signal_stems,
)
from tpm_coach.scoring.offline_reading import Reading
from tpm_coach.scoring.offline_reference import pull_towards_references, references
from tpm_coach.scoring.overall import overall_score
from tpm_coach.scoring.red_flags import find_red_flags
from tpm_coach.scoring.relevance import (
    CriterionTouch,
    criterion_vocabulary,
    measure_relevance,
    topical_stems,
    touch_criterion,
)
from tpm_coach.scoring.specifics import measure_specificity, signposting, star_parts
from tpm_coach.scoring.text import ensure_answer_present
from tpm_coach.scoring.traps import Cap, Traps, trap_caps

MODEL_NAME = "offline-heuristic-v2"
METHOD_VERSION = "offline-heuristic-v2"

# How much each part of the evidence counts towards a criterion (sums to 1).
W_SIGNALS, W_GUIDE, W_SPECIFICITY, W_STRUCTURE, W_LENGTH = 0.35, 0.20, 0.20, 0.15, 0.10
# Quality below FLOOR maps to the bottom of the scale, above CEILING to the top.
FLOOR, CEILING = 0.0, 0.80
# The criterion's own words used in on-topic sentences (TOUCH_WORDS_FOR_FULL distinct ones is full) add up to
# W_TOUCH of its coverage: weaker evidence than hearing a cue, but evidence that the answer is about it.
TOUCH_WORDS_FOR_FULL, W_TOUCH = 6, 0.5
TOUCH_EVIDENCE_WORDS = 2
# Touching this share of the strong-answer guide's points is full marks for that part.
GUIDE_FULL = 0.6
FILLERS_PER_100_LIMIT = 6.0
HEDGES_PER_100_LIMIT = 3.0
# Rates are taken over at least this many words, so one "probably" in a two-line answer is not a habit.
DELIVERY_MIN_WORDS = 60
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
        reading = read_answer(question, competency, transcript, metrics)
        scale = competency.rubric.scale
        caps = _caps(reading, competency)
        cap = min([scale.max, *(c.value for c in caps)])
        cap_reason = next((c.reason for c in caps if c.value == cap), "")
        counted_sentences = [info for info, ok in zip(reading.sentences, reading.counted, strict=True) if ok]
        asked = frozenset(content_stems(question.text))

        refs = [] if reading.stuffed else references(candidate_exemplars(question, competency))
        answer_stems = frozenset(content_stems(transcript)) if refs else frozenset()
        criteria: list[CriterionScore] = []
        hits_by_criterion: dict[str, list[SignalHit]] = {}
        for criterion in competency.rubric.criteria:
            hits = hear_signals(criterion, counted_sentences, asked)
            hits_by_criterion[criterion.id] = hits
            touch = touch_criterion(criterion_vocabulary(criterion, scale.max), reading.sentences, reading.counted)
            value, limit = _criterion_value(criterion, competency, hits, touch, reading)
            if refs:
                value = pull_towards_references(value, criterion.id, answer_stems, refs, scale)
            if value > cap:
                value, limit = cap, cap_reason
            criteria.append(
                CriterionScore(
                    id=criterion.id,
                    score=value,
                    rationale=feedback.rationale(
                        criterion, hits, value=value, limit=limit, reading=reading, competency=competency
                    ),
                    evidence=[] if reading.stuffed else _evidence(hits, touch, transcript),
                )
            )
        scores = {c.id: c.score for c in criteria}
        weakest = _weakest(question, competency, scores)
        notes = [
            "Offline estimate: scored from the rubric's 'listen for' signals, the question's strong-answer outline, "
            "structure and specificity, not by judging content. Re-score with an LLM for a fuller judgement.",
            *(c.note for c in caps),
            feedback.details_note(reading),
        ]
        if reading.delivery_penalty:
            notes.append(feedback.delivery_note(reading.delivery))
        if refs:
            notes.append(f"Calibrated against {len(refs)} graded sample answer(s) from the question bank.")
        return ScoreResult(
            overall=overall_score(criteria, competency.rubric),
            scale_min=scale.min,
            scale_max=scale.max,
            criteria=criteria,
            strengths=feedback.strengths(competency, scores, hits_by_criterion, reading),
            improvements=feedback.improvements(
                question, weakest if scores[weakest.id] < scale.max else None, hits_by_criterion[weakest.id], reading
            ),
            stronger_answer=list(question.strong_answer),
            follow_up=feedback.follow_up(question, competency, weakest, scores, transcript),
            star=StarCheck(**{part: found is not None for part, found in reading.star.items()})
            if reading.star is not None
            else None,
            scorer="offline",
            model=MODEL_NAME,
            prompt_version=f"{METHOD_VERSION}+exemplars" if refs else METHOD_VERSION,
            prompt_tokens=None,
            completion_tokens=None,
            latency_ms=None,
            notes=notes,
        )


def read_answer(
    question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
) -> Reading:
    sentences = analyse(transcript)
    rubric_stems = frozenset().union(*(signal_stems(s) for c in competency.rubric.criteria for s in c.listen_for))
    shape = answer_shape(transcript, sentences, rubric_stems)
    relevance = measure_relevance(question, competency, sentences)
    counted = list(relevance.on_topic)
    behavioral = question.kind is QuestionKind.BEHAVIORAL
    star = star_parts(sentences, counted) if behavioral else None
    structure = (sum(1 for s in star.values() if s) / 4) if star is not None else signposting(sentences, counted)
    real_words = sum(info.word_count for info, ok in zip(sentences, counted, strict=True) if ok)
    if metrics is None or not metrics.word_count:
        metrics = compute_delivery_metrics(Transcript(text=transcript))
    return Reading(
        sentences=sentences,
        counted=counted,
        shape=shape,
        relevance=relevance,
        spec=measure_specificity(sentences, counted),
        star=star,
        structure=structure,
        length=length_factor(real_words),
        stuffed=shape.looks_stuffed and not shape.looks_non_english,
        red_flags=find_red_flags(sentences),
        delivery=metrics,
        delivery_penalty=_delivery_penalty(metrics),
    )


def _weakest(question: Question, competency: Competency, scores: dict[str, int]) -> Criterion:
    """The lowest-scored criterion; on a tie, one the question's strong-answer outline speaks to (so the advice
    fits the question asked), then the heavier one, as it moves the overall score most."""
    outline = topical_stems(" ".join([question.text, *question.strong_answer]))
    top = competency.rubric.scale.max

    def order(c: Criterion) -> tuple[int, bool, float]:
        return scores[c.id], len(criterion_vocabulary(c, top) & outline) < 2, -c.weight

    return min(competency.rubric.criteria, key=order)


def _coverage(hits: list[SignalHit]) -> float:
    """Signals heard, saturating at half of them (at least two): nobody says every phrase on the list."""
    target = max(2, (len(hits) + 1) // 2)
    return min(1.0, sum(h.credit for h in hits) / target)


def _criterion_value(
    criterion: Criterion, competency: Competency, hits: list[SignalHit], touch: CriterionTouch, reading: Reading
) -> tuple[int, str]:
    """The criterion's score and, when a rule held it down, the reason the rationale gives."""
    scale = competency.rubric.scale
    soft = min(1.0, touch.words / TOUCH_WORDS_FOR_FULL)
    # Rubric terms in a list or a chant are what stuffing games, so they earn nothing there.
    coverage = 0.0 if reading.stuffed else min(1.0, _coverage(hits) + W_TOUCH * soft)
    guide = 0.0 if reading.stuffed else min(1.0, reading.relevance.guide_coverage / GUIDE_FULL)
    quality = (
        W_SIGNALS * coverage
        + W_GUIDE * guide
        + W_SPECIFICITY * reading.spec.value
        + W_STRUCTURE * reading.structure
        + W_LENGTH * reading.length
    )
    fraction = min(1.0, max(0.0, (quality - FLOOR) / (CEILING - FLOOR)))
    value = scale.min + rounded(fraction * (scale.max - scale.min))
    limit = ""
    # A criterion's own cues bound how far the rest of the answer can carry it: none heard, the middle of the
    # scale; heard only in part, one above it.
    if not any(h.credit for h in hits) and value > scale.middle:
        value, limit = scale.middle, "none of this criterion's cues was heard"
    elif not any(h.credit >= 1 for h in hits) and value > scale.middle + 1:
        value, limit = scale.middle + 1, "this criterion's cues were heard only in part"
    if reading.red_flags and value > scale.min:
        value, limit = value - 1, f"a red flag cost a point (the answer {reading.red_flags[0].kind})"
    if reading.delivery_penalty and _is_communication(competency, criterion) and value > scale.min:
        value, limit = value - 1, "fillers and hedges cost a point"
    return value, limit


def _caps(reading: Reading, competency: Competency) -> list[Cap]:
    traps = Traps(
        addresses_scorer=any(i.addresses_scorer for i in reading.sentences),
        stuffed=reading.stuffed,
        non_english=reading.shape.looks_non_english,
        off_topic=reading.off_topic,
    )
    return trap_caps(traps, competency, offline=True)


def _delivery_penalty(metrics: DeliveryMetrics) -> bool:
    per_100 = 100 / max(DELIVERY_MIN_WORDS, metrics.word_count)
    return (
        metrics.filler_count * per_100 > FILLERS_PER_100_LIMIT or metrics.hedge_count * per_100 > HEDGES_PER_100_LIMIT
    )


def _is_communication(competency: Competency, criterion: Criterion) -> bool:
    if "communicat" in competency.id:
        return True
    label = f"{criterion.id} {criterion.name}".lower()
    return any(hint in label for hint in _COMMUNICATION_HINTS)


def _evidence(hits: list[SignalHit], touch: CriterionTouch, transcript: str) -> list[Evidence]:
    """The sentences that earned the criterion credit: those that carried its cues, best first, else the one
    using most of its vocabulary (at least TOUCH_EVIDENCE_WORDS words of it)."""
    sentences = [h.sentence for h in sorted(hits, key=lambda h: -h.credit) if h.credit and h.sentence is not None]
    if not sentences and touch.sentence is not None and touch.sentence_words >= TOUCH_EVIDENCE_WORDS:
        sentences = [touch.sentence]
    out: list[Evidence] = []
    for s in sentences:
        if any(e.start == s.start for e in out):
            continue
        out.append(Evidence(quote=transcript[s.start : s.end], start=s.start, end=s.end))
        if len(out) == _MAX_EVIDENCE:
            break
    return sorted(out, key=lambda e: e.start or 0)
