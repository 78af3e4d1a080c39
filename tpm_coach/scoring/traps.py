"""Answers that game a judge instead of answering: words for the scorer, lists of rubric terms, a story told for
another question. Read from the candidate's own words, so every judge, offline or LLM, caps them alike.

A model judges an answer on its own merits: measured in docs/judge-quality.md, a 1.5B model scored a database
story told for a leadership question 4.56 of 5. What decides these caps is the answer's text against the question
and the rubric, never a model's opinion, so no judge can be talked past them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tpm_coach.domain import Competency, CriterionScore, Question
from tpm_coach.scoring.features import analyse, answer_shape, signal_stems
from tpm_coach.scoring.relevance import measure_relevance

# Below this many distinct topical words the relevance check has too little to go on, and a judge that reads the
# answer is trusted over it: a two-sentence answer that explains a trade-off "in plain terms" shares no word with
# "explain a complex technical problem to a non-technical audience". The shortest off-topic story in the labelled
# set (docs/judge-quality.md) has 20.
MIN_TOPICAL_WORDS = 20


@dataclass(frozen=True)
class Cap:
    """A ceiling on every criterion, with the short reason the rationale gives and the note shown with the score."""

    value: int
    reason: str
    note: str


@dataclass(frozen=True)
class Traps:
    """What an answer does instead of answering the question, each read from its words alone."""

    addresses_scorer: bool  # asks the scorer for marks, or tells it what to score
    stuffed: bool  # a list or chant of rubric terms rather than sentences
    non_english: bool  # almost no English grammar words (the relevance check reads English only)
    off_topic: bool  # too few of its words relate to the question, its outline and the rubric

    @property
    def any(self) -> bool:
        return self.addresses_scorer or self.stuffed or self.off_topic


def find_traps(question: Question, competency: Competency, transcript: str) -> Traps:
    """The traps in one answer for a judge that reads it: the offline scorer's own measures
    (docs/offline-scorer.md), with an answer called off-topic only when it is long enough to tell."""
    sentences = analyse(transcript)
    rubric_stems = frozenset().union(*(signal_stems(s) for c in competency.rubric.criteria for s in c.listen_for))
    shape = answer_shape(transcript, sentences, rubric_stems)
    relevance = measure_relevance(question, competency, sentences)
    return Traps(
        addresses_scorer=any(info.addresses_scorer for info in sentences),
        stuffed=shape.looks_stuffed and not shape.looks_non_english,
        non_english=shape.looks_non_english,
        off_topic=relevance.off_topic and relevance.distinct >= MIN_TOPICAL_WORDS and not shape.looks_non_english,
    )


def stuffing_cap(competency: Competency) -> int:
    scale = competency.rubric.scale
    return scale.min + max(1, (scale.max - scale.min) // 4)


def trap_caps(traps: Traps, competency: Competency, *, offline: bool) -> list[Cap]:
    """The caps a score gets for the traps in its answer. The offline scorer scores such an answer outright; a
    judge's scores are held down whatever it gave. An answer in another language is the offline scorer's limit
    only: a model can read it."""
    low, high = competency.rubric.scale.min, stuffing_cap(competency)
    scored, capped = (
        (f"scored {low}", f"capped at {high}")
        if offline
        else (
            f"capped at {low} whatever the judge gave",
            f"capped at {high} whatever the judge gave",
        )
    )
    caps: list[Cap] = []
    if traps.addresses_scorer:
        caps.append(
            Cap(
                low,
                "part of the answer speaks to the scorer",
                "Part of this answer speaks to the scorer instead of the interviewer (for example asking for full "
                f"marks); an interviewer would not take it seriously, so every criterion is {scored}.",
            )
        )
    if traps.stuffed:
        caps.append(
            Cap(
                high,
                "the answer lists rubric terms",
                "Much of this answer is a list or repetition of rubric terms rather than sentences that explain "
                f"what you did, so every criterion is {capped}. Speak in full sentences with specifics.",
            )
        )
    if traps.non_english and offline:
        caps.append(
            Cap(
                low,
                "the answer is not in English",
                "This answer does not appear to be in English, which the offline scorer cannot read; "
                "score it with an LLM instead (Settings > LLM).",
            )
        )
    elif traps.off_topic:
        advice = (
            "Answer the question asked; the offline scorer cannot judge an answer to another one."
            if offline
            else "If it does answer the question, say how in its own terms: a judge reads a good story told for "
            "another question as a good answer."
        )
        caps.append(
            Cap(
                low,
                "the answer does not address the question",
                "This answer does not seem to address the question: few of its words relate to what was asked, "
                f"to the question's strong-answer outline or to {competency.name.lower()}, so every criterion is "
                f"{scored}. {advice}",
            )
        )
    return caps


def strictest(caps: list[Cap]) -> Cap | None:
    return min(caps, key=lambda c: c.value) if caps else None


def apply_cap(criteria: list[CriterionScore], cap: Cap | None) -> list[CriterionScore]:
    """The judge's criterion scores held under the cap: a capped one keeps the judge's figure as `capped_from`
    (the first cap's, if the evidence rule capped it already) and is flagged."""
    if cap is None:
        return criteria
    return [
        c.model_copy(update={"score": cap.value, "capped_from": c.capped_from or c.score, "flagged": True})
        if c.score > cap.value
        else c
        for c in criteria
    ]
