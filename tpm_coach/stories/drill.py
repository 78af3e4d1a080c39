"""The story drill and the coverage drill, and each story's scores over time.

Story drill: tell one saved story in two minutes; scored on STAR completeness, a measurable result, and the
candidate's own role ("I" against "we"). Coverage drill: questions on the skills whose stories are weakest.
Described in docs/stories.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.domain import Question
from tpm_coach.language.lexicon import wordset
from tpm_coach.language.numbers import is_number
from tpm_coach.language.tokens import words
from tpm_coach.scoring.features import analyse
from tpm_coach.scoring.specifics import star_parts
from tpm_coach.storage.stories import StoryUse
from tpm_coach.stories.coverage import Coverage
from tpm_coach.stories.draft import STAR_ORDER, split_star
from tpm_coach.stories.matcher import match_story
from tpm_coach.stories.model import Story

DRILL_SECONDS = 120
# The candidate's own role is clear when at least half the pronouns for who acted are "I", not "we".
OWN_ROLE_SHARE = 0.5
_SINGULAR = wordset("i me my mine myself i'm i've i'd i'll")
_PLURAL = wordset("we us our ours ourselves we're we've we'd we'll")
# Words that read as numbers but rarely measure anything in a result ("one of the teams", "a second vendor").
_NOT_MEASURES = wordset("one second")


@dataclass(frozen=True)
class DrillScore:
    star: dict[str, bool]
    measurable_result: bool
    result_figures: tuple[str, ...]
    i_count: int
    we_count: int
    within_time: bool | None  # None when the duration is not known
    similarity: float  # to the story being drilled: low means another story was told

    @property
    def own_role(self) -> bool:
        total = self.i_count + self.we_count
        return total > 0 and self.i_count / total >= OWN_ROLE_SHARE

    @property
    def score(self) -> int:
        """1..5: a point per two STAR parts told, one for a measured result, one for the candidate's own role."""
        parts = sum(self.star.values())
        return 1 + parts // 2 + int(self.measurable_result) + int(self.own_role)

    def advice(self) -> list[str]:
        out = [f"Say the {part}." for part, present in self.star.items() if not present]
        if not self.measurable_result:
            out.append("Give the result a number: a percentage, money, time or a count.")
        if not self.own_role:
            out.append(f"Say what you did: “I” {self.i_count} times against “we” {self.we_count}.")
        if self.within_time is False:
            out.append(f"Tell it within {DRILL_SECONDS // 60} minutes.")
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "star": self.star,
            "measurable_result": self.measurable_result,
            "result_figures": list(self.result_figures),
            "i": self.i_count,
            "we": self.we_count,
            "own_role": self.own_role,
            "within_time": self.within_time,
            "similarity": round(self.similarity, 3),
            "advice": self.advice(),
        }


def score_story_drill(transcript: str, story: Story, duration_s: float | None = None) -> DrillScore:
    found = star_parts(analyse(transcript))
    parts = split_star(transcript)
    result_text = parts["result"] if found["result"] is not None else ""
    figures = tuple(w for w in words(result_text) if is_number(w) and w not in _NOT_MEASURES)
    spoken = words(transcript)
    return DrillScore(
        star={part: found[part] is not None for part in STAR_ORDER},
        measurable_result=bool(figures),
        result_figures=figures,
        i_count=sum(1 for w in spoken if w in _SINGULAR),
        we_count=sum(1 for w in spoken if w in _PLURAL),
        within_time=None if duration_s is None else duration_s <= DRILL_SECONDS,
        similarity=match_story(transcript, [story]).similarity,
    )


def weakest_skills(coverage: Coverage) -> list[str]:
    """Skill ids, weakest first: no story at all, then stories never scored on the skill, then by their scores."""

    def weakness(skill_id: str) -> tuple[int, float]:
        cells = [coverage.cell(skill_id, s.id) for s in coverage.stories]
        if not any(c.covers for c in cells):
            return (0, 0.0)
        scored = [c.strength for c in cells if c.strength is not None]
        return (1, 0.0) if not scored else (2, max(scored))

    return sorted((sid for sid, _ in coverage.skills), key=weakness)


def coverage_drill(coverage: Coverage, questions: Sequence[Question], count: int = 3) -> list[Question]:
    """Behavioural questions for the weakest skills, one skill after another."""
    out: list[Question] = []
    for skill in weakest_skills(coverage):
        for question in questions:
            if question.competency == skill and question not in out:
                out.append(question)
                break
        if len(out) >= count:
            break
    return out


def story_progress(uses: Sequence[StoryUse]) -> dict[str, list[tuple[str, float | None]]]:
    """Each story's answers over time: (when, score as a share of its scale), oldest first."""
    out: dict[str, list[tuple[str, float | None]]] = {}
    for use in sorted(uses, key=lambda u: (u.created_at, u.attempt_id)):
        out.setdefault(use.story_id, []).append((use.created_at, use.strength))
    return out
