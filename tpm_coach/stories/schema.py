"""The JSON Schema of the story file, for editors; shipped as assets/stories.schema.json."""

from __future__ import annotations

from typing import Any

from tpm_coach.stories.model import StoryFile


def story_json_schema() -> dict[str, Any]:
    schema = StoryFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tpm_coach story bank"
    return schema
