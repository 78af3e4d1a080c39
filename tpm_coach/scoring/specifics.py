"""Specificity and structure in an answer, for the offline scorer: numbers, dates, names and roles, outcomes and
trade-offs; the STAR parts of a story; signposting. Described in docs/offline-scorer.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tpm_coach.language.lexicon import wordset
from tpm_coach.language.numbers import is_number
from tpm_coach.language.sentences import Sentence
from tpm_coach.language.tokens import tokens
from tpm_coach.scoring.features import SentenceInfo
from tpm_coach.scoring.features import tokens as feature_tokens

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
# Titles that say who decided or owned something. "Owner" and "owned" name nobody, and "manager" or "lead"
# alone ("their manager") is not specific, so they are not here.
_ROLE_WORDS = wordset("vp director architect sponsor cto ceo cfo ciso coo sre dri")
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


MIN_DENSITY_WORDS = 60
KINDS = (
    ("numbers", "number", "numbers"),
    ("dates", "date", "dates"),
    ("durations", "duration", "durations"),
    ("names", "name or role", "names or roles"),
    ("outcomes", "outcome", "outcomes"),
    ("trade_offs", "trade-off", "trade-offs"),
)


@dataclass
class Specificity:
    """The specific details in an answer, by kind, as the words that showed them."""

    found: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind, _, _ in KINDS})
    words: int = 0
    evidence: list[tuple[int, Sentence]] = field(default_factory=list)  # sentences with two or more details

    @property
    def best_sentence(self) -> Sentence | None:
        """The sentence with the most details (the first of equals)."""
        return max(self.evidence, key=lambda found: found[0])[1] if self.evidence else None

    @property
    def kinds(self) -> int:
        return sum(1 for items in self.found.values() if items)

    @property
    def markers(self) -> int:
        return sum(len(items) for items in self.found.values())

    @property
    def value(self) -> float:
        """0..1: half for the variety of kinds (4 of 6 is full), half for density (4 markers per 100 words,
        counted over at least 60 words so that one figure in a one-line answer is not 'dense')."""
        density = self.markers / max(MIN_DENSITY_WORDS, self.words) * 100
        return 0.5 * min(1.0, self.kinds / 4) + 0.5 * min(1.0, density / 4)

    def summary(self) -> str:
        """'2 numbers (500, 1,200), 1 name or role (Priya)': the counts with the candidate's own words."""
        parts = []
        for kind, one, many in KINDS:
            items = self.found[kind]
            if items:
                examples = ", ".join(list(dict.fromkeys(items))[:3])
                parts.append(f"{len(items)} {one if len(items) == 1 else many} ({examples})")
        return ", ".join(parts)


def measure_specificity(sentences: list[SentenceInfo], counted: list[bool] | None = None) -> Specificity:
    """Details in the real sentences (only those marked in `counted`, when given)."""
    spec = Specificity()
    for index, info in enumerate(sentences):
        if not info.is_real or (counted is not None and not counted[index]):
            continue
        text = info.sentence.text
        toks = tokens(text)
        before = spec.markers
        spec.words += len(toks)
        for i, token in enumerate(toks):
            word = token.text
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            # "one of the teams" is not a figure, and "Two, the legacy apps" numbers a list.
            enumerating = i == 0 and token.break_after and not word[:1].isdigit()
            if is_number(word) and word != "one" and not enumerating:
                if nxt is not None and nxt.text in _DURATION_UNITS:
                    spec.found["durations"].append(text[token.start : nxt.end])
                elif len(word) == 4 and word.isdigit() and word.startswith(("19", "20")):
                    spec.found["dates"].append(text[token.start : token.end])
                else:
                    spec.found["numbers"].append(text[token.start : token.end])
            elif word in _MONTHS and word != "may":
                spec.found["dates"].append(text[token.start : token.end])
            elif word in _OUTCOME_WORDS:
                spec.found["outcomes"].append(text[token.start : token.end])
            elif word in _ROLE_WORDS:
                spec.found["names"].append(text[token.start : token.end])
            elif i and _is_name(text[token.start : token.end]):
                # A capitalised word inside a sentence is usually a name: a person, team or system.
                spec.found["names"].append(text[token.start : token.end])
        flat = " ".join(feature_tokens(text))
        spec.found["trade_offs"] += [found.group(0) for p in _TRADE_OFF_PATTERNS if (found := p.search(flat))]
        if spec.markers - before >= 2:
            spec.evidence.append((spec.markers - before, info.sentence))
    return spec


def _is_name(raw: str) -> bool:
    return raw[:1].isupper() and raw.isalpha() and raw != "I" and raw.lower() not in _MONTHS


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


def star_parts(sentences: list[SentenceInfo], counted: list[bool] | None = None) -> dict[str, Sentence | None]:
    """The first real sentence (of those marked in `counted`, when given) showing each STAR part, or None."""
    found: dict[str, Sentence | None] = dict.fromkeys(_STAR_PATTERNS)
    for index, info in enumerate(sentences):
        if not info.is_real or (counted is not None and not counted[index]):
            continue
        flat = " ".join(feature_tokens(info.sentence.text))
        for part, patterns in _STAR_PATTERNS.items():
            if found[part] is None and any(p.search(flat) for p in patterns):
                found[part] = info.sentence
    return found


_SIGNPOSTS = re.compile(
    r"\b(first|firstly|second|secondly|third|then|next|finally|because|so that|which means|"
    r"to summarise|to summarize|in summary|in short|the reason)\b"
)


def signposting(sentences: list[SentenceInfo], counted: list[bool] | None = None) -> float:
    """0..1: how much of the answer is linked by signposts and reasons (4 linked sentences is full)."""
    linked = sum(
        1
        for index, info in enumerate(sentences)
        if info.is_real
        and (counted is None or counted[index])
        and _SIGNPOSTS.search(" ".join(feature_tokens(info.sentence.text)))
    )
    return min(1.0, linked / 4)
