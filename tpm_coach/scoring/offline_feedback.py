"""The offline scorer's words: rationales that say what each score rests on, and strengths and improvements that
quote the candidate's own words (exact spans of the transcript). Described in docs/offline-scorer.md.
"""

from __future__ import annotations

from tpm_coach.domain import Competency, Criterion, DeliveryMetrics, Question
from tpm_coach.language import Sentence, filler_count, hedge_count
from tpm_coach.language.tokens import tokens
from tpm_coach.scoring.features import SignalHit, content_stems
from tpm_coach.scoring.follow_ups import bank_follow_up_for
from tpm_coach.scoring.offline_reading import Reading
from tpm_coach.scoring.relevance import topical_stems

_FLAG_ADVICE = {
    "avoids the question": "Pick a real example, even a small one, and tell it.",
    "passes on ownership": "Say what you would do yourself, and when you would bring others in.",
    "waves a risk away": "Name the risk, how likely and how bad it is, and how you would contain it.",
}
QUOTE_WORDS = 20  # longer sentences are quoted around the words that matter
_MAX_STRENGTHS, _MAX_IMPROVEMENTS = 3, 4


def quote(sentence: Sentence, focus: frozenset[str] = frozenset()) -> str:
    """The sentence in quotation marks, exactly as said. A long one is cut to at most QUOTE_WORDS words: from the
    start of the clause holding the first word in `focus` (lower-case, or its stem), to a clause end where there
    is one, with '…' outside the marks where words were left out."""
    text = sentence.text
    toks = tokens(text)
    if len(toks) <= QUOTE_WORDS:
        return f"“{text.rstrip('.,;:!? ')}”"
    centre = next((i for i, t in enumerate(toks) if t.text in focus or set(content_stems(t.text)) & focus), 0)
    first = next((i for i in range(centre, max(-1, centre - 9), -1) if toks[i].break_before), max(0, centre - 4))
    first = min(first, len(toks) - QUOTE_WORDS)
    last = first + QUOTE_WORDS - 1
    clause_end = next((i for i in range(centre + 3, last) if toks[i].break_after), None)
    last = clause_end if clause_end is not None else last
    excerpt = text[toks[first].start : toks[last].end]
    return f"{'…' if first else ''}“{excerpt}”{'…' if last < len(toks) - 1 else ''}"


def _criterion_stems(criterion: Criterion) -> frozenset[str]:
    return topical_stems(" ".join([criterion.name, *criterion.listen_for, *criterion.anchors.values()]))


def _cues(hits: list[SignalHit]) -> str:
    return "; ".join(h.signal for h in hits)


# -- rationale -------------------------------------------------------------------------------------------
def rationale(
    criterion: Criterion, hits: list[SignalHit], *, value: int, limit: str, reading: Reading, competency: Competency
) -> str:
    """What the score rests on: this criterion's cues heard, then what the whole answer showed, then any rule
    that held the score down, and the rubric anchor nearest the score."""
    heard = [h for h in hits if h.credit > 0]
    if heard:
        partly = sum(1 for h in heard if h.credit < 1)
        best = max(heard, key=lambda h: h.credit)
        assert best.sentence is not None  # a hit with credit always has its sentence
        said = (
            f"{len(heard)} of its {len(hits)} cues heard{f' ({partly} only in part)' if partly else ''}, "
            f"for example {quote(best.sentence, frozenset(content_stems(best.signal)))}"
        )
    else:
        said = f"None of its {len(hits)} cues heard ({_cues(hits[:3])}, ...)"
    parts = [said + ".", f"Whole answer: {_answer_summary(reading)}."]
    if limit:
        parts.append(f"Held at {value}: {limit}.")
    parts.append(f"Closest anchor: {competency.rubric.anchor_for(criterion.id, value)}")
    return " ".join(parts)


def _answer_summary(reading: Reading) -> str:
    """The answer-wide evidence every criterion shares, as counts (the details themselves are in a note)."""
    guide = reading.relevance.guide
    touched = sum(1 for p in guide if p.credit >= 1)
    items = [f"{touched} of {len(guide)} points of a strong answer"]
    spec = reading.spec
    if spec.kinds:
        items.append(f"{_count(spec.markers, 'specific detail')} of {_count(spec.kinds, 'kind')}")
    else:
        items.append("no specific details")
    if reading.star is not None:
        present = [part for part, found in reading.star.items() if found is not None]
        items.append(f"STAR parts: {', '.join(present)}" if present else "no STAR parts")
    else:
        linked = round(reading.structure * 4)
        count = "4 or more sentences" if linked >= 4 else f"{linked} sentence{'' if linked == 1 else 's'}"
        items.append(f"{count} linked by reasons or signposts")
    words = sum(info.word_count for info, ok in zip(reading.sentences, reading.counted, strict=True) if ok)
    items.append(f"{words} words on the question")
    return ", ".join(items)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def details_note(reading: Reading) -> str:
    """The specific details heard, in the candidate's words, once for the whole answer."""
    if not reading.spec.kinds:
        return "Specific details heard: none (numbers, dates, durations, names or roles, outcomes, trade-offs)."
    return f"Specific details heard: {reading.spec.summary()}."


def delivery_note(metrics: DeliveryMetrics) -> str:
    per_100 = 100 / max(1, metrics.word_count)
    return (
        f"Delivery: {metrics.filler_count} fillers and {metrics.hedge_count} hedges in {metrics.word_count} words "
        f"({metrics.filler_count * per_100:.0f} and {metrics.hedge_count * per_100:.0f} per 100) lowered the "
        "communication scores by one point."
    )


# -- strengths -------------------------------------------------------------------------------------------
def strengths(
    competency: Competency, scores: dict[str, int], hits: dict[str, list[SignalHit]], reading: Reading
) -> list[str]:
    """Only what the answer did well, each with the words that did it; none for an answer that does not
    address the question or is a list of terms."""
    if reading.off_topic or reading.stuffed or reading.shape.looks_non_english:
        return []
    out = []
    middle = competency.rubric.scale.middle
    ranked = sorted(competency.rubric.criteria, key=lambda c: (-scores[c.id], -c.weight))
    for criterion in ranked:
        full = [h for h in hits[criterion.id] if h.credit >= 1 and h.sentence is not None]
        if scores[criterion.id] >= middle and full and full[0].sentence is not None:
            focus = frozenset(content_stems(full[0].signal))
            out.append(f"{criterion.name}: you said {quote(full[0].sentence, focus)}.")
        if len(out) == 2:
            break
    guide = reading.relevance.guide
    touched = [p for p in guide if p.credit >= 1 and p.sentence is not None]
    if touched and len(touched) * 2 >= len(guide) and touched[0].sentence is not None:
        out.append(
            f"It answers the question asked: {len(touched)} of the {len(guide)} points of a strong answer, "
            f"for example {quote(touched[0].sentence, topical_stems(touched[0].text))}."
        )
    best = reading.spec.best_sentence
    if reading.spec.kinds >= 3 and best is not None:
        details = frozenset(word.lower() for items in reading.spec.found.values() for word in items)
        out.append(f"Specific details make it credible: {quote(best, details)}.")
    if reading.star is not None and all(reading.star.values()) and reading.star["result"] is not None:
        out.append(f"A complete STAR story that ends on a result: {quote(reading.star['result'])}.")
    return out[:_MAX_STRENGTHS]


# -- improvements ----------------------------------------------------------------------------------------
def improvements(question: Question, weakest: Criterion | None, hits: list[SignalHit], reading: Reading) -> list[str]:
    """What to do next, each tied to what was said; where nothing was said about it, it says so. `weakest` is
    None when every criterion already has the top score."""
    out = []
    real = [info.sentence for info in reading.sentences if info.is_real]
    counted = [info.sentence for info, ok in zip(reading.sentences, reading.counted, strict=True) if ok]
    if reading.off_topic and real:
        out.append(f"Answer the question asked. Yours is about {quote(real[0])}, but the question was: {question.text}")
    for flag in reading.red_flags:
        out.append(
            f"An interviewer hears {quote(flag.sentence)} as a red flag: it {flag.kind}. {_FLAG_ADVICE[flag.kind]}"
        )
    if weakest is not None:
        out.append(_weakest(weakest, hits, reading))
    if reading.star is not None:
        absent = [part for part, found in reading.star.items() if found is None]
        if absent and counted:
            out.append(
                f"Complete the STAR structure: add the {', '.join(absent)}. As told, the story ends with "
                f"{quote(counted[-1])}."
            )
    if reading.spec.kinds < 3:
        detailed = {sentence for _, sentence in reading.spec.evidence}
        vague = [s for s in counted if s not in detailed]
        if vague:
            longest = max(vague, key=lambda s: len(s.text))
            out.append(
                f"Be specific: {quote(longest)} could carry a number, a date, who owned it, the outcome or "
                "the trade-off you made."
            )
    if reading.delivery_penalty:
        noisy = max(real, key=lambda s: filler_count(s.text) + hedge_count(s.text), default=None)
        where = f" For example {quote(noisy)}." if noisy is not None and filler_count(noisy.text) else ""
        out.append(f"Pause instead of filling silence, and state conclusions without hedging.{where}")
    return out[:_MAX_IMPROVEMENTS]


def _weakest(criterion: Criterion, hits: list[SignalHit], reading: Reading) -> str:
    missing = [h for h in hits if h.credit < 1][:3] or hits[:3]
    wanted = _criterion_stems(criterion)
    closest = max(
        (
            (len(wanted & info.stems), info.sentence)
            for info, ok in zip(reading.sentences, reading.counted, strict=True)
            if ok and not reading.stuffed
        ),
        key=lambda found: found[0],
        default=(0, None),
    )
    if closest[1] is not None and closest[0]:
        return (
            f"{criterion.name}: the closest you came was {quote(closest[1], wanted)}; go further, for example: "
            f"{_cues(missing)}."
        )
    return f"{criterion.name}: nothing you said speaks to this yet; an interviewer listens for {_cues(missing)}."


def follow_up(
    question: Question, competency: Competency, weakest: Criterion, scores: dict[str, int], answer: str
) -> str:
    """The question's own follow-up that probes the weakest criterion, never one about a criterion the answer
    covered well (above the scale's middle) or about what it already said; else a question naming the criterion."""
    covered = [cid for cid, value in scores.items() if value > competency.rubric.scale.middle]
    found = bank_follow_up_for(question, competency, weakest.id, covered=covered, answer=answer)
    return found or f"Can you say more about {weakest.name.lower()}?"
