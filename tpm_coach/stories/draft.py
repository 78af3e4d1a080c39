"""A story drafted from an answer, for the candidate to edit: the transcript split into its STAR parts by the
offline STAR check (the first sentence that shows each part starts it; what comes before any is the situation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tpm_coach.domain import Question
from tpm_coach.scoring.features import analyse
from tpm_coach.scoring.specifics import star_parts

STAR_ORDER = ("situation", "task", "action", "result")


@dataclass
class StoryDraft:
    """The fields of a story as editable text; nothing here is validated yet."""

    id: str = ""
    title: str = ""
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    skills: list[str] = field(default_factory=list)


def split_star(text: str) -> dict[str, str]:
    """The transcript cut into situation, task, action and result, in the order the answer told them."""
    sentences = analyse(text)
    starts = star_parts(sentences)
    markers = sorted((s.start, part) for part, s in starts.items() if s is not None)
    parts: dict[str, list[str]] = {part: [] for part in STAR_ORDER}
    for info in sentences:
        current = "situation"
        for start, part in markers:
            if start <= info.sentence.start:
                current = part
        parts[current].append(info.sentence.text.strip())
    return {part: " ".join(lines) for part, lines in parts.items()}


def draft_from_answer(text: str, question: Question) -> StoryDraft:
    parts = split_star(text)
    title = _title(parts["situation"] or text)
    return StoryDraft(id=slug(title), title=title, skills=[question.competency], **parts)


def _title(text: str, words: int = 8) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    chosen = first.split()[:words]
    return " ".join(chosen).rstrip(".,;:") or "A new story"


def slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return slug or "story"
