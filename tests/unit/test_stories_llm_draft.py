"""Drafting a story from an answer with the configured judge, against a real HTTP server on 127.0.0.1 speaking the
OpenAI protocol: the parts it returns, and a clear error when it fails so the app can split the answer instead."""

from __future__ import annotations

import pytest

from tests.support.openai_server import OpenAIStubServer, Reply, error_reply, json_reply
from tpm_coach.banks import load_bank
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.errors import ScoringError
from tpm_coach.paths import default_bank_path
from tpm_coach.stories.llm_draft import draft_with_settings

ANSWER = "At my last company the releases slipped. I owned the dates. I set a weekly review. We shipped on time."


def _settings(server: OpenAIStubServer) -> LlmSettings:
    return LlmSettings(
        provider=LlmProvider.CUSTOM, base_url=server.base_url, model="stub-model", timeout_s=10, max_retries=0
    )


def test_the_judge_drafts_the_parts_from_the_transcript() -> None:
    question = load_bank(default_bank_path()).questions[0]
    with OpenAIStubServer() as server:
        server.script(
            json_reply(
                {
                    "title": "Making release dates reliable",
                    "situation": "Releases kept slipping.",
                    "task": "I owned the dates.",
                    "action": "I set a weekly review.",
                    "result": "We shipped on time.",
                    "extra": "ignored",
                }
            )
        )
        draft = draft_with_settings(_settings(server), ANSWER, question)
        (request,) = server.requests
    assert draft.title == "Making release dates reliable" and draft.id == "making-release-dates-reliable"
    assert (draft.situation, draft.task, draft.action, draft.result) == (
        "Releases kept slipping.",
        "I owned the dates.",
        "I set a weekly review.",
        "We shipped on time.",
    )
    assert draft.skills == [question.competency]
    assert ANSWER in request.text() and question.text in request.text()
    assert request.response_format == {"type": "json_object"}


@pytest.mark.parametrize(
    "reply",
    [error_reply(500, "model crashed"), Reply(content='{"title": "cut off'), Reply(content="[1, 2]")],
    ids=["server error", "truncated json", "not an object"],
)
def test_a_failed_draft_is_a_scoring_error_saying_what_happens_instead(reply: Reply) -> None:
    question = load_bank(default_bank_path()).questions[0]
    with OpenAIStubServer() as server:
        server.script(reply)
        with pytest.raises(ScoringError) as caught:
            draft_with_settings(_settings(server), ANSWER, question)
    assert "split from your answer" in caught.value.hint
