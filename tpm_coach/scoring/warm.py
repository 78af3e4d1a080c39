"""Reading a question's scoring prompt into a local judge while the candidate is still answering.

Everything before the answer (instructions, question, rubric) is the same for every answer to a question, and a
local server keeps what one prompt shares with the next. A 1.5B model on two cores reads a prompt at 40-60 tokens
a second, so the 1,400 tokens before the answer cost 25-35 s after Stop when nothing was read before; read while
the candidate speaks, they cost nothing then (docs/llm-scoring.md, "Streaming, time limits and Cancel").
"""

from __future__ import annotations

import logging

from tpm_coach.call_guard import CallGuard, Cancellation
from tpm_coach.config import LlmSettings
from tpm_coach.domain import Competency, Question
from tpm_coach.scoring.prompts import build_scoring_prompt

log = logging.getLogger(__name__)

# Stands in for the answer: only the text before it has to match the real prompt.
PLACEHOLDER = "(the answer follows)"


def warm_judge(
    settings: LlmSettings,
    question: Question,
    competency: Competency,
    *,
    api_key: str | None = None,
    cancellation: Cancellation | None = None,
) -> bool:
    """Ask a local judge for one token after the question's prompt; True when it answered. Never raises: a judge
    that is down is reported when the answer is scored, with the answer already saved. Cloud judges are left
    alone, since the request would be paid for and they cache prompts by themselves."""
    # Imported here: the openai package loads only when an LLM is used.
    from tpm_coach.scoring.llm import build_openai_client, runs_locally

    if not settings.enabled or not runs_locally(settings):
        return False
    prompt = build_scoring_prompt(question, competency, PLACEHOLDER)
    try:
        client = build_openai_client(settings, api_key, guard=CallGuard(cancellation))
        try:
            client.chat.completions.create(
                model=settings.resolved_model(),
                messages=prompt.messages,  # type: ignore[arg-type]
                max_tokens=1,
                temperature=0,
                timeout=settings.stream_timeout_s,
            )
        finally:
            client.close()
    except Exception as exc:  # best effort by design: the scoring request reports what is wrong
        log.info("the judge at %s was not warmed for %s: %s", settings.resolved_base_url(), question.id, exc)
        return False
    return True
