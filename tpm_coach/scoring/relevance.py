"""Whether an answer addresses the question asked: its overlap with the question, the question's strong-answer
guide and the competency's rubric, sentence by sentence. Described in docs/offline-scorer.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tpm_coach.domain import Competency, Criterion, Question
from tpm_coach.language.lexicon import wordset
from tpm_coach.language.sentences import Sentence
from tpm_coach.scoring.features import SentenceInfo, content_stems

# Words every workplace story uses whatever it is about: sharing them with a question says nothing about
# whether an answer addresses it. Stemmed before use, like every word compared here.
GENERIC_WORDS = wordset(
    """team teams people person time times work worked working make made get got look looked want wanted need
    needed new first second two three one small big sure built build show showed tell told say said think
    thought know knew thing things way ways week weeks day days part parts give gave take took keep kept start
    started help helped good great better best lot really also example question answer candidate describes
    explains gives talks shows sets covers names ask asked use used end ended case cases company role job set
    went go going come came"""
)
# How much a shared word counts: the question and its guide say what this answer is about; the competency's
# rubric describes every answer in the skill.
W_QUESTION, W_COMPETENCY = 1.0, 0.5
# An answer does not address the question when both hold: under one in nine of its distinct topical words
# (weighted) is shared with the question, its guide or the rubric, and the weighted shared words over the square
# root of its distinct words are under 0.65 (about four guide words in an answer of 36 distinct words). The
# second keeps a short answer, which has few words to share, from being judged on its share alone.
OFF_TOPIC_SHARE, OFF_TOPIC_DENSITY = 0.11, 0.65
# A sentence is on topic with one word from the question or its guide, or two from the competency's rubric.
ON_TOPIC_WEIGHT = 1.0
# A guide point is fully touched by a sentence sharing two of its words, half by one.
GUIDE_WORDS_FOR_FULL = 2


_GENERIC_STEMS = frozenset(content_stems(" ".join(sorted(GENERIC_WORDS))))


def topical_stems(text: str) -> frozenset[str]:
    """Content stems that say what a text is about: grammar words and generic workplace words left out."""
    return frozenset(content_stems(text)) - _GENERIC_STEMS


@dataclass(frozen=True)
class GuidePoint:
    """One point of the question's strong-answer outline and the sentence that came closest to it."""

    text: str
    credit: float
    sentence: Sentence | None


@dataclass(frozen=True)
class Relevance:
    shared: float  # the weights of the distinct topical words the answer shares with the question and rubric
    distinct: int  # the answer's distinct topical words
    on_topic: tuple[bool, ...]  # per sentence, in order
    guide: tuple[GuidePoint, ...]

    @property
    def off_topic(self) -> bool:
        if not self.distinct:
            return False  # nothing topical was said at all: other rules judge that
        return (
            self.shared / self.distinct < OFF_TOPIC_SHARE and self.shared / math.sqrt(self.distinct) < OFF_TOPIC_DENSITY
        )

    @property
    def guide_coverage(self) -> float:
        """0..1: the mean credit over the guide's points."""
        return sum(p.credit for p in self.guide) / len(self.guide) if self.guide else 0.0


def _weights(question: Question, competency: Competency) -> dict[str, float]:
    rubric = [competency.description]
    for criterion in competency.rubric.criteria:
        rubric += [criterion.name, *criterion.listen_for, *criterion.anchors.values()]
    weights = dict.fromkeys(topical_stems(" ".join(rubric)), W_COMPETENCY)
    weights.update(
        dict.fromkeys(
            topical_stems(" ".join([question.text, *question.strong_answer, *question.follow_ups])), W_QUESTION
        )
    )
    return weights


def measure_relevance(question: Question, competency: Competency, sentences: list[SentenceInfo]) -> Relevance:
    weights = _weights(question, competency)
    said: set[str] = set()
    on_topic = []
    for info in sentences:
        stems = info.stems - _GENERIC_STEMS
        on_topic.append(info.is_real and sum(weights.get(s, 0.0) for s in stems) >= ON_TOPIC_WEIGHT)
        said |= stems
    guide = []
    for point in question.strong_answer:
        wanted = topical_stems(point)
        best = max(
            ((len(wanted & info.stems), info.sentence) for info, ok in zip(sentences, on_topic, strict=True) if ok),
            key=lambda found: found[0],
            default=(0, None),
        )
        words, sentence = best
        credit = min(words, GUIDE_WORDS_FOR_FULL) / GUIDE_WORDS_FOR_FULL
        guide.append(GuidePoint(point, credit, sentence if words else None))
    shared = sum(weights.get(s, 0.0) for s in said)
    return Relevance(shared, len(said), tuple(on_topic), tuple(guide))


@dataclass(frozen=True)
class CriterionTouch:
    """How much of a criterion's own vocabulary the on-topic sentences use, and the sentence using most (with
    how many of its words it uses)."""

    words: int
    sentence: Sentence | None
    sentence_words: int = 0


def criterion_vocabulary(criterion: Criterion, top: int) -> frozenset[str]:
    """The criterion's name, its cues and its top anchor: the words of a good answer on it. Lower anchors
    describe weak answers ("only by escalating"), so their words are left out."""
    return topical_stems(" ".join([criterion.name, *criterion.listen_for, criterion.anchors.get(top, "")]))


def touch_criterion(vocabulary: frozenset[str], sentences: list[SentenceInfo], counted: list[bool]) -> CriterionTouch:
    used: set[str] = set()
    best: tuple[int, Sentence | None] = (0, None)
    for info, ok in zip(sentences, counted, strict=True):
        if not ok:
            continue
        shared = vocabulary & info.stems
        used |= shared
        if len(shared) > best[0]:
            best = (len(shared), info.sentence)
    return CriterionTouch(len(used), best[1], best[0])
