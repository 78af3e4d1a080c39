"""Measuring the matcher on a labelled set: answers each known to retell one story, or none of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tpm_coach.banks.yaml_source import read_yaml
from tpm_coach.stories.matcher import MATCH_THRESHOLD, StoryIndex
from tpm_coach.stories.model import Story


@dataclass(frozen=True)
class LabelledAnswer:
    text: str
    story_id: str | None


@dataclass
class MatchReport:
    retellings: int = 0
    correct: int = 0
    new_stories: int = 0
    false_matches: int = 0
    mistakes: list[str] = field(default_factory=list)
    lowest_retelling: float = 1.0
    highest_other: float = 0.0

    @property
    def top1_accuracy(self) -> float:
        return self.correct / self.retellings if self.retellings else 0.0


def read_answers(path: Path) -> list[LabelledAnswer]:
    data = read_yaml(path).data
    return [LabelledAnswer(str(item["text"]), item.get("story")) for item in data["answers"]]


def evaluate(stories: list[Story], answers: list[LabelledAnswer], threshold: float = MATCH_THRESHOLD) -> MatchReport:
    index = StoryIndex(stories)
    report = MatchReport()
    for i, answer in enumerate(answers):
        match = index.match(answer.text, threshold)
        scores = {c.story_id: c.similarity for c in match.candidates}
        others = [s for story_id, s in scores.items() if story_id != answer.story_id]
        report.highest_other = max([report.highest_other, *others])
        if answer.story_id is None:
            report.new_stories += 1
            if match.story_id is not None:
                report.false_matches += 1
                report.mistakes.append(f"answer {i + 1}: a new story matched '{match.story_id}'")
            continue
        report.retellings += 1
        report.lowest_retelling = min(report.lowest_retelling, scores.get(answer.story_id, 0.0))
        if match.story_id == answer.story_id:
            report.correct += 1
        else:
            report.mistakes.append(f"answer {i + 1}: retells '{answer.story_id}', matched {match.story_id!r}")
    return report
