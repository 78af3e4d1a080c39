"""Which of the candidate's stories an answer retold: TF-IDF cosine similarity between the transcript and each
story's text, over stemmed content words and their pairs. Described in docs/stories.md.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.scoring.features import content_stems
from tpm_coach.scoring.relevance import GENERIC_WORDS
from tpm_coach.stories.model import Story

# An answer retells a story when its similarity to that story reaches this value; below it the answer is a new
# story. Chosen on tests/data/stories/ (bench/story_match.py): retellings there score 0.33 and up, while answers
# telling another story reach at most 0.10 and the runner-up behind a retelling at most 0.13; 0.20 sits between.
MATCH_THRESHOLD = 0.20
# Word pairs carry the specifics a retelling keeps ("payment migration", "vendor contract"); they count this much
# beside single words.
PAIR_WEIGHT = 0.5

_GENERIC_STEMS = frozenset(content_stems(" ".join(sorted(GENERIC_WORDS))))


@dataclass(frozen=True)
class Candidate:
    story_id: str
    title: str
    similarity: float

    def as_json(self) -> dict[str, object]:
        return {"id": self.story_id, "title": self.title, "similarity": round(self.similarity, 3)}


@dataclass(frozen=True)
class StoryMatch:
    """The story told (None: a new story), its similarity, and every story ranked."""

    story_id: str | None
    similarity: float
    candidates: tuple[Candidate, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "story": self.story_id,
            "similarity": round(self.similarity, 3),
            "candidates": [c.as_json() for c in self.candidates],
        }


def terms(text: str) -> Counter[str]:
    stems = [s for s in content_stems(text) if s not in _GENERIC_STEMS and len(s) > 1]
    counts: Counter[str] = Counter(stems)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(stems))
    return counts


class StoryIndex:
    """The stories as weighted term vectors, built once and compared with many texts."""

    def __init__(self, stories: Sequence[Story]) -> None:
        self.stories = list(stories)
        story_terms = [terms(s.text()) for s in self.stories]
        frequency: Counter[str] = Counter()
        for counts in story_terms:
            frequency.update(counts.keys())
        n = len(self.stories)
        # A word in every story tells them apart least; smoothing keeps a word in all of them above zero, since
        # it still says the answer is one of the candidate's stories rather than a new one.
        self._idf = {t: math.log((n + 1) / (df + 1)) + 1.0 for t, df in frequency.items()}
        self._vectors = [self._vector(c) for c in story_terms]

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vector: dict[str, float] = {}
        for term, count in counts.items():
            idf = self._idf.get(term)
            if idf is None:
                continue  # a word no story uses adds to the answer's length below, not to any overlap
            weight = (1.0 + math.log(count)) * idf * (PAIR_WEIGHT if " " in term else 1.0)
            vector[term] = weight
        return vector

    def similarities(self, text: str) -> list[float]:
        counts = terms(text)
        vector = self._vector(counts)
        # Words no story knows still make the answer longer: weight them as the rarest story words.
        unknown = sum(
            ((1.0 + math.log(c)) * self._max_idf() * (PAIR_WEIGHT if " " in t else 1.0)) ** 2
            for t, c in counts.items()
            if t not in self._idf
        )
        norm = math.sqrt(sum(w * w for w in vector.values()) + unknown)
        out: list[float] = []
        for story_vector in self._vectors:
            story_norm = math.sqrt(sum(w * w for w in story_vector.values()))
            if not norm or not story_norm:
                out.append(0.0)
                continue
            dot = sum(w * story_vector[t] for t, w in vector.items() if t in story_vector)
            out.append(dot / (norm * story_norm))
        return out

    def _max_idf(self) -> float:
        return math.log(len(self.stories) + 1) + 1.0

    def match(self, text: str, threshold: float = MATCH_THRESHOLD) -> StoryMatch:
        scores = self.similarities(text)
        ranked = sorted(zip(self.stories, scores, strict=True), key=lambda pair: (-pair[1], pair[0].id))
        candidates = tuple(Candidate(s.id, s.title, score) for s, score in ranked)
        if not candidates:
            return StoryMatch(None, 0.0, ())
        best = candidates[0]
        return StoryMatch(best.story_id if best.similarity >= threshold else None, best.similarity, candidates)


def match_story(text: str, stories: Sequence[Story], threshold: float = MATCH_THRESHOLD) -> StoryMatch:
    return StoryIndex(stories).match(text, threshold)
