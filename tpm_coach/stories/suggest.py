"""Which two stories to tell for a question: those that show the question's skill, then those whose words are
nearest the question's. Described in docs/stories.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.domain import Question
from tpm_coach.stories.matcher import StoryIndex
from tpm_coach.stories.model import Story

# A story that shows the question's skill outranks one that only shares words with it; wording breaks ties
# among the stories that show the skill, and among those that do not.
SKILL_WEIGHT = 1.0


@dataclass(frozen=True)
class Suggestion:
    story: Story
    shows_skill: bool
    wording: float

    @property
    def score(self) -> float:
        return (SKILL_WEIGHT if self.shows_skill else 0.0) + self.wording


def suggest_stories(question: Question, stories: Sequence[Story], count: int = 2) -> list[Suggestion]:
    if not stories:
        return []
    prompt = " ".join([question.text, *question.follow_ups, *question.strong_answer])
    wording = StoryIndex(stories).similarities(prompt)
    ranked = sorted(
        (Suggestion(s, question.competency in s.skills, w) for s, w in zip(stories, wording, strict=True)),
        key=lambda sug: (-sug.score, sug.story.id),
    )
    return ranked[:count]
