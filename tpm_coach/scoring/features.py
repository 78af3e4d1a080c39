"""What the offline scorer reads from an answer: real sentences, the rubric signals heard in them, and the tells
of keyword stuffing, scorer-directed instructions and non-English answers (specifics.py has the rest).

Every rule here is deterministic and described in docs/offline-scorer.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from tpm_coach.domain import Criterion
from tpm_coach.language.fillers import FILLER_SOUND_WORDS
from tpm_coach.language.lexicon import FUNCTION_WORDS, wordset
from tpm_coach.language.sentences import Sentence, split_sentences
from tpm_coach.language.tokens import normalised, stem

_VERB_CUES = wordset(
    """is are was were be been am have has had do does did will would can could should may might must
    get got make made take took go went say said know knew think thought see saw want wanted need needed
    use used work worked ask asked set put run ran lead led give gave find found tell told bring brought
    keep kept let mean meant start started become became show showed agree agreed decide decided build
    built write wrote meet met move moved pick picked call called"""
)
# Spoken variants folded into the written form the rubrics use, before tokenising.
_PHRASE_ALIASES = (
    (re.compile(r"\b(roll|rolled|rolling|rolls) back\b"), "rollback"),
    (re.compile(r"\btrade offs?\b"), "tradeoff"),
    (re.compile(r"\bvs\b"), "versus"),
    (re.compile(r"\bplan b\b"), "planb"),
)
MIN_REAL_SENTENCE_WORDS = 6
MIN_FUNCTION_RATIO = 0.25


def tokens(text: str) -> list[str]:
    """Words for matching: '%' read as 'percent', hyphens and apostrophes dropped, aliases folded."""
    flat = normalised(text.replace("%", " percent "))
    for pattern, replacement in _PHRASE_ALIASES:
        flat = pattern.sub(replacement, flat)
    return flat.split()


def content_stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in FUNCTION_WORDS and t not in FILLER_SOUND_WORDS]


@dataclass(frozen=True)
class SentenceInfo:
    sentence: Sentence
    word_count: int
    function_ratio: float
    has_verb: bool
    stems: frozenset[str]
    addresses_scorer: bool

    @property
    def is_real(self) -> bool:
        """A sentence someone would say, not a list of terms: long enough, with grammar words and a verb."""
        return (
            self.word_count >= MIN_REAL_SENTENCE_WORDS
            and self.function_ratio >= MIN_FUNCTION_RATIO
            and self.has_verb
            and not self.addresses_scorer
        )


_SUBJECTS = wordset("i we they he she you it")


def _has_verb(toks: list[str]) -> bool:
    """A cheap stand-in for a part-of-speech tagger: a common verb, a past or progressive form, a subject
    pronoun, or a present-tense '-s' word between a content word and a grammar word ("the app sends the")."""
    for i, t in enumerate(toks):
        if t in _VERB_CUES or t in _SUBJECTS or (len(t) > 4 and t.endswith(("ed", "ing"))):
            return True
        if (
            0 < i < len(toks) - 1
            and len(t) > 3
            and t.endswith("s")
            and toks[i - 1] not in FUNCTION_WORDS
            and toks[i + 1] in FUNCTION_WORDS
        ):
            return True
    return False


def analyse_sentence(sentence: Sentence) -> SentenceInfo:
    toks = tokens(sentence.text)
    count = max(1, len(toks))
    function = sum(1 for t in toks if t in FUNCTION_WORDS)
    has_verb = _has_verb(toks)
    return SentenceInfo(
        sentence=sentence,
        word_count=len(toks),
        function_ratio=function / count,
        has_verb=has_verb,
        stems=frozenset(content_stems(sentence.text)),
        addresses_scorer=addresses_scorer(sentence.text),
    )


# -- scorer-directed text ------------------------------------------------------------------------
# Phrases that talk to whoever scores the answer rather than to an interviewer. Each needs the grader as its
# object or subject, so ordinary talk of scoring risks, data models or "five out of ten services" is left alone.
_GRADER = r"(grader|scorer|evaluator|marker|ai|llm|language model|assistant)"
_TOP_MARK = r"(full|maximum|max|perfect|top|highest|best)\s+(marks?|scores?|ratings?|grades?|points)"
_THIS_ANSWER = r"(this|my|the)\s+(answer|response|reply)"
_INJECTION_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\b(ignore|disregard|forget|override|bypass)\s+(\w+\s+){0,3}(rubrics?|instructions|prompt|"
        r"(scoring|grading)\s+(rules|criteria|instructions|guide))\b",
        rf"\b(give|award|assign|grant)\s+(me|it|{_THIS_ANSWER})\s+(a\s+|the\s+)?{_TOP_MARK}\b",
        rf"\b(give|award|assign|grant)\s+(me|it|{_THIS_ANSWER})\s+(a\s+)?(5|five|10|ten)(\s+out\s+of\s+\w+)?\b",
        rf"\b(rate|score|mark|grade)\s+{_THIS_ANSWER}\b",
        rf"\b{_THIS_ANSWER}\s+(deserves|should\s+get|should\s+receive|is\s+worth)\b",
        rf"\b(deserves?|earns?)\s+(a\s+|the\s+)?{_TOP_MARK}\b",
        rf"\b(dear|hey|hi|hello|attention|note\s+to(\s+the)?)\s+{_GRADER}\b",
        r"\b(you\s+are|act\s+as|as)\s+(an?\s+|the\s+)?(ai\s+|llm\s+)?(grader|scorer|evaluator)\b",
        r"\byou\s+are\s+(an?\s+)?(ai|llm|language\s+model|assistant)\b",
        r"\b(the\s+)?(grader|scorer|evaluator)\s+(should|must|will|needs\s+to|has\s+to)\b",
        r"\b(system\s+prompt|(previous|above|prior|earlier)\s+instructions)\b",
        r"\bas\s+(the\s+|an\s+)?(ai|llm|model|assistant)\s+(grading|scoring|evaluating|marking|judging)\b",
        r"\b(respond|reply|return|output)\s+(only\s+)?(with\s+)?(a\s+|an\s+)?json\b",
        r"\b(give|giving|award|awarding|assign|assigning)\s+(every|each|all)\s+(the\s+)?criteri(on|a)\s+"
        r"(a\s+)?(5|five|10|ten|full|maximum|top)\b",
    )
)


def addresses_scorer(text: str) -> bool:
    flat = " ".join(tokens(text))
    return any(p.search(flat) for p in _INJECTION_PATTERNS)


# -- rubric signals ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignalHit:
    signal: str
    credit: float
    sentence: Sentence | None


def signal_stems(signal: str) -> frozenset[str]:
    stems = frozenset(content_stems(signal))
    # A signal made only of grammar words ("what are the ...") is matched on all of its words.
    return stems or frozenset(stem(t) for t in tokens(signal))


def hear_signals(
    criterion: Criterion, sentences: list[SentenceInfo], asked: frozenset[str] = frozenset()
) -> list[SignalHit]:
    """For each 'listen for' signal, the best credit any real sentence earns: 1 when at least two thirds
    of the signal's content words are in one sentence, 0.5 when half are, else 0. A signal made only of
    words the question itself says (`asked`) earns nothing: repeating the question does not cover it."""
    hits = []
    for signal in criterion.listen_for:
        wanted = signal_stems(signal)
        best = SignalHit(signal, 0.0, None)
        if wanted <= asked:
            hits.append(best)
            continue
        for info in sentences:
            if not info.is_real:
                continue
            share = len(wanted & info.stems) / len(wanted)
            credit = 1.0 if share >= 2 / 3 - 1e-9 else 0.5 if share >= 0.5 and len(wanted) > 1 else 0.0
            if credit > best.credit:
                best = SignalHit(signal, credit, info.sentence)
        hits.append(best)
    return hits


# -- answer-level tells ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerShape:
    words: int
    content_words: int
    real_words: int
    rubric_density: float
    top_stem_share: float
    distinct_ratio: float
    english_ratio: float

    @property
    def real_ratio(self) -> float:
        return self.real_words / max(1, self.words)

    @property
    def looks_stuffed(self) -> bool:
        """A list of rubric terms or one phrase said over and over, rather than an answer."""
        repetitive = self.content_words >= 30 and (
            self.top_stem_share > 0.15 or (self.content_words >= 60 and self.distinct_ratio < 0.3)
        )
        return self.real_ratio < 0.5 or self.rubric_density > 0.5 or repetitive

    @property
    def looks_non_english(self) -> bool:
        """Almost no English grammar words, and not because it is a list of the rubric's own (English) terms."""
        return self.words >= 12 and self.english_ratio < 0.15 and self.rubric_density <= 0.5


def answer_shape(text: str, sentences: list[SentenceInfo], rubric_stems: frozenset[str]) -> AnswerShape:
    toks = tokens(text)
    stems = content_stems(text)
    counts = Counter(stems)
    top = counts.most_common(1)[0][1] if counts else 0
    in_rubric = sum(1 for s in stems if s in rubric_stems)
    return AnswerShape(
        words=len(toks),
        content_words=len(stems),
        real_words=sum(i.word_count for i in sentences if i.is_real),
        rubric_density=in_rubric / max(1, len(stems)),
        top_stem_share=top / max(1, len(stems)),
        distinct_ratio=len(counts) / max(1, len(stems)),
        english_ratio=sum(1 for t in toks if t in FUNCTION_WORDS) / max(1, len(toks)),
    )


def analyse(text: str) -> list[SentenceInfo]:
    return [analyse_sentence(s) for s in split_sentences(text)]


def length_factor(real_words: int) -> float:
    """0..1 for how fully developed the answer is: nothing up to 20 words, full from 150 to 450 words,
    then easing to 0.6 at 900 words and beyond, because rambling buries the point."""
    if real_words <= 20:
        return 0.0
    if real_words < 150:
        return (real_words - 20) / 130
    if real_words <= 450:
        return 1.0
    return max(0.6, 1.0 - 0.4 * (real_words - 450) / 450)


def rounded(value: float) -> int:
    """Half rounds up (not to even), so equal evidence always lands on the same side."""
    return math.floor(value + 0.5)
