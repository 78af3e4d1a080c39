"""Red flags: phrases an interviewer hears as avoiding the question, passing on ownership or waving a risk away.
Each is one of the rubric's bottom anchors said out loud. Described in docs/offline-scorer.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tpm_coach.language.sentences import Sentence
from tpm_coach.scoring.features import SentenceInfo, tokens

# Matched on normalised words (lower case, apostrophes dropped: "can't" reads "cant").
_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "avoids the question": tuple(
        re.compile(p)
        for p in (
            r"\b(cant|cannot|can not) (really )?(think of|remember) (a|an|any|one)\b",
            r"\b(this|that|it) (doesnt|does not|never) (really )?happens? to (me|us)\b",
            r"\bi (dont|do not) (really )?have an example\b",
        )
    ),
    "passes on ownership": tuple(
        re.compile(p)
        for p in (
            r"\b(its|it is|thats|that is) not (really )?(my|our) (job|problem|responsibility)\b",
            r"\b(its|it is) (their|his|her) (problem|fault|job)\b",
            r"\b(nothing|not much|not a lot) (else )?(that )?(i|we) (can|could) do\b",
            r"\b(the )?(engineers|developers) (would|will) (know|handle|figure)\b",
        )
    ),
    "waves a risk away": tuple(
        re.compile(p)
        for p in (
            r"\b(launch|ship|release|go live) (it )?anyway\b",
            r"\b(can|could|just|well|ill) fix (it|them|that|this|the \w+) later\b",
            r"\bif (people|customers|users) complain\b",
        )
    ),
}


@dataclass(frozen=True)
class RedFlag:
    kind: str
    sentence: Sentence


def find_red_flags(sentences: list[SentenceInfo]) -> list[RedFlag]:
    """The first red flag of each kind, with the sentence that raised it."""
    found: dict[str, RedFlag] = {}
    for info in sentences:
        flat = " ".join(tokens(info.sentence.text))
        for kind, patterns in _PATTERNS.items():
            if kind not in found and any(p.search(flat) for p in patterns):
                found[kind] = RedFlag(kind, info.sentence)
    return list(found.values())
