"""A story drafted from an answer by the configured LLM judge: the STAR parts rewritten from the transcript for
the candidate to edit. The offline split (draft.py) is the fallback when no LLM is configured or it fails."""

from __future__ import annotations

import json
from typing import Any, Protocol

from tpm_coach.config import LlmSettings
from tpm_coach.domain import Question
from tpm_coach.errors import ScoringError
from tpm_coach.stories.draft import STAR_ORDER, StoryDraft, slug

# Short parts: a story card is a prompt to speak from, not a script, and output length is what a local model
# spends its time on.
MAX_REPLY_TOKENS = 600

_INSTRUCTIONS = (
    "You turn a job candidate's spoken interview answer into a STAR story card they will edit. Reply with one JSON"
    ' object with the string fields "title" (at most eight words), "situation", "task", "action" and "result".'
    " Use only facts the answer states, keep the candidate's own numbers, write in the first person, one to three"
    " sentences per part. Leave a part as an empty string when the answer does not say it."
)


_FALLBACK = "the parts were split from your answer instead; edit them before saving"


class ChatClient(Protocol):
    """The part of `openai.OpenAI` this uses."""

    @property
    def chat(self) -> Any: ...


def draft_with_llm(client: ChatClient, model: str, transcript: str, question: Question) -> StoryDraft:
    """Raises ScoringError when the server fails or its reply is not the object asked for."""
    try:
        reply = client.chat.completions.create(
            model=model,
            messages=[
                {"role": "system", "content": _INSTRUCTIONS},
                {"role": "user", "content": f"Question: {question.text}\n\nAnswer:\n{transcript}"},
            ],
            response_format={"type": "json_object"},
            temperature=0,
            max_tokens=MAX_REPLY_TOKENS,
        )
        data = json.loads(reply.choices[0].message.content or "")
    except ScoringError:
        raise
    except Exception as exc:  # the openai errors, a malformed reply (json.JSONDecodeError) or a truncated one
        raise ScoringError(
            f"the LLM could not draft the story ({exc})", "the parts were split from your answer"
        ) from exc
    if not isinstance(data, dict):
        raise ScoringError("the LLM's draft was not a JSON object", "the parts were split from your answer")
    parts = {part: _text(data.get(part)) for part in STAR_ORDER}
    title = _text(data.get("title"))[:200] or "A new story"
    return StoryDraft(id=slug(title), title=title, skills=[question.competency], **parts)


def draft_with_settings(settings: LlmSettings, transcript: str, question: Question) -> StoryDraft:
    """The same through a client for the configured judge (the one that scores answers)."""
    from tpm_coach.scoring.llm import build_openai_client
    from tpm_coach.secrets import get_api_key

    client = build_openai_client(settings, get_api_key())
    try:
        return draft_with_llm(client, settings.resolved_model(), transcript, question)
    finally:
        client.close()


def _text(value: object) -> str:
    return value.strip()[:4000] if isinstance(value, str) else ""
