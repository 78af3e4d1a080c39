"""A candidate's prepared STAR stories: the models that define the `stories:` YAML file and its JSON Schema."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tpm_coach.domain.bank import Identifier

STORY_FORMAT_VERSION = 1

Part = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Story(BaseModel):
    """One story told in STAR order, with the skills (competency ids) it can show."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Identifier
    title: Line
    situation: Part = Field(description="Where and when: the project, the stakes, what was going wrong.")
    task: Part = Field(description="What you were responsible for.")
    action: Part = Field(description="What you did, in the first person.")
    result: Part = Field(description="What changed, with numbers where you have them.")
    skills: list[Identifier] = Field(min_length=1, max_length=12, description="Competency ids the story can show.")
    role: Line | None = Field(default=None, description="Your role at the time, e.g. 'Senior TPM, payments'.")
    when: Line | None = Field(default=None, description="When it happened, e.g. '2023' or 'Q3 2022'.")
    notes: Part | None = Field(default=None, description="Anything to remember when telling it.")

    def text(self) -> str:
        """Everything the candidate would say when telling the story, for matching."""
        return "\n".join((self.title, self.situation, self.task, self.action, self.result))


class StoryFile(BaseModel):
    """The file: `format_version` (optional) and the list of stories."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format_version: int = Field(default=STORY_FORMAT_VERSION, ge=1)
    stories: list[Story] = Field(default_factory=list, max_length=500)
