"""Specificity and structure in an answer, for the offline scorer: numbers, dates, owners, outcomes and
trade-offs; the STAR parts of a story; signposting. Described in docs/offline-scorer.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tpm_coach.language.lexicon import wordset
from tpm_coach.language.numbers import is_number
from tpm_coach.language.sentences import Sentence
from tpm_coach.scoring.features import SentenceInfo, tokens

# -- specificity -----------------------------------------------------------------------------------
_MONTHS = wordset(
    "january february march april may june july august september october november december q1 q2 q3 q4 "
    "monday tuesday wednesday thursday friday"
)
_DURATION_UNITS = wordset(
    "second seconds minute minutes hour hours day days week weeks month months "
    "quarter quarters year years sprint sprints ms milliseconds"
)
_OUTCOME_WORDS = wordset(
    "reduced increased cut improved saved grew dropped fell rose shipped launched delivered achieved "
    "recovered doubled halved avoided prevented lowered raised closed resolved"
)
_OWNER_WORDS = wordset("owner owned owns vp director manager lead architect sponsor cto ceo cfo sre oncall dri")
_TRADE_OFF_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\btradeoff\b",
        r"\binstead of\b",
        r"\bat the cost of\b",
        r"\brather than\b",
        r"\bthe downside\b",
        r"\bversus\b",
        r"\bwe gave up\b",
        r"\bgive up\b",
        r"\bin exchange for\b",
        r"\bcost (of|us)\b",
    )
)


@dataclass
class Specificity:
    numbers: int = 0
    dates: int = 0
    durations: int = 0
    owners: int = 0
    outcomes: int = 0
    trade_offs: int = 0
    words: int = 0
    evidence: list[Sentence] = field(default_factory=list)

    @property
    def kinds(self) -> int:
        return sum(
            1 for n in (self.numbers, self.dates, self.durations, self.owners, self.outcomes, self.trade_offs) if n
        )

    @property
    def markers(self) -> int:
        return self.numbers + self.dates + self.durations + self.owners + self.outcomes + self.trade_offs

    @property
    def value(self) -> float:
        """0..1: half for the variety of kinds (4 of 6 is full), half for density (4 markers per 100 words)."""
        density = self.markers / max(1, self.words) * 100
        return 0.5 * min(1.0, self.kinds / 4) + 0.5 * min(1.0, density / 4)

    def summary(self) -> str:
        parts = [
            (self.numbers, "number", "numbers"),
            (self.dates, "date", "dates"),
            (self.durations, "duration", "durations"),
            (self.owners, "named person or owner", "named people or owners"),
            (self.outcomes, "outcome", "outcomes"),
            (self.trade_offs, "trade-off", "trade-offs"),
        ]
        return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n)


def measure_specificity(sentences: list[SentenceInfo]) -> Specificity:
    spec = Specificity()
    for info in sentences:
        if not info.is_real:
            continue
        toks = tokens(info.sentence.text)
        raw_words = info.sentence.text.split()
        before = spec.markers
        spec.words += len(toks)
        for i, t in enumerate(toks):
            if is_number(t) and t != "one":  # "one of the teams" is not a figure
                nxt = toks[i + 1] if i + 1 < len(toks) else ""
                if nxt in _DURATION_UNITS:
                    spec.durations += 1
                elif len(t) == 4 and t.isdigit() and t.startswith(("19", "20")):
                    spec.dates += 1
                else:
                    spec.numbers += 1
            elif t in _MONTHS and t != "may":
                spec.dates += 1
            elif t in _OUTCOME_WORDS:
                spec.outcomes += 1
            elif t in _OWNER_WORDS:
                spec.owners += 1
        # A capitalised word inside a sentence is usually a name: a person, team or system that owns something.
        # Months and weekdays are already counted as dates.
        names = (w.strip(".,;:!?") for w in raw_words[1:])
        spec.owners += sum(
            1 for w in names if w[:1].isupper() and w.isalpha() and w != "I" and w.lower() not in _MONTHS
        )
        flat = " ".join(toks)
        spec.trade_offs += sum(1 for p in _TRADE_OFF_PATTERNS if p.search(flat))
        if spec.markers - before >= 2:
            spec.evidence.append(info.sentence)
    return spec


# -- STAR ----------------------------------------------------------------------------------------------
_STAR_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "situation": tuple(
        re.compile(p)
        for p in (
            r"\b(situation|context|background)\b",
            r"\b(at|in) my (last|previous|current|old) (job|role|company|team)\b",
            r"\b(last|that|this) (year|quarter|summer|spring|autumn|fall|winter)\b",
            r"\bwhen i (was|joined)\b",
            r"\bwe were\b",
            r"\b(our|the) team was\b",
            r"\bin (19|20)\d\d\b",
            r"\bback in\b",
            r"\bat the time\b",
        )
    ),
    "task": tuple(
        re.compile(p)
        for p in (
            r"\bmy (task|job|role|goal|responsibility)\b",
            r"\bi was (responsible|asked|accountable|tasked|brought)\b",
            r"\bi (needed|had) to\b",
            r"\bthe (goal|task|challenge|objective) was\b",
            r"\bi owned\b",
        )
    ),
    "action": tuple(
        re.compile(p)
        for p in (
            r"\bi (\w+ly )?(set|ran|met|wrote|took|made|built|led|drove|brought|chose|spoke|gave|sent|held|"
            r"started|called|asked|proposed|organised|organized|created|mapped|escalated|negotiated|pulled|"
            r"split|moved|agreed|scheduled|reviewed|decided|worked|added|changed|put|got|talked|offered)\b",
            r"\bfirst i\b",
            r"\bthen i\b",
            r"\bso i\b",
        )
    ),
    "result": tuple(
        re.compile(p)
        for p in (
            r"\b(as a result|the result|in the end|ended up|which meant|outcome)\b",
            r"\b(we|it|they|this) (\w+ )?(reduced|increased|cut|improved|saved|shipped|launched|delivered|"
            r"achieved|recovered|grew|dropped|hit|met|closed|avoided|prevented)\b",
            r"\b(reduced|cut|improved|increased|dropped) \w+( \w+)? (by|from|to)\b",
            r"\b(got through|on time|ahead of schedule|under budget)\b",
            r"\bwith (zero|no) \w+",
            r"\bi learned\b",
            r"\bnext time\b",
        )
    ),
}


def star_parts(sentences: list[SentenceInfo]) -> dict[str, Sentence | None]:
    """The first real sentence showing each STAR part, or None."""
    found: dict[str, Sentence | None] = dict.fromkeys(_STAR_PATTERNS)
    for info in sentences:
        if not info.is_real:
            continue
        flat = " ".join(tokens(info.sentence.text))
        for part, patterns in _STAR_PATTERNS.items():
            if found[part] is None and any(p.search(flat) for p in patterns):
                found[part] = info.sentence
    return found


_SIGNPOSTS = re.compile(
    r"\b(first|firstly|second|secondly|third|then|next|finally|because|so that|which means|"
    r"to summarise|to summarize|in summary|in short|the reason)\b"
)


def signposting(sentences: list[SentenceInfo]) -> float:
    """0..1: how much of the answer is linked by signposts and reasons (4 linked sentences is full)."""
    linked = sum(1 for i in sentences if i.is_real and _SIGNPOSTS.search(" ".join(tokens(i.sentence.text))))
    return min(1.0, linked / 4)
