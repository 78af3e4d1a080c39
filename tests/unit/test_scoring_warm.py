"""Warming a local judge while the candidate answers (tpm_coach/scoring/warm.py), against a real loopback server:
what is sent is the scoring prompt up to the answer, nothing is sent to a cloud judge, and a judge that is down
costs nothing but a log line."""

from __future__ import annotations

from tests.support import scoring_fixtures
from tests.support.model_servers import ModelListServer, closed_port
from tests.support.openai_server import OpenAIStubServer
from tpm_coach.config import LlmSettings
from tpm_coach.domain import Competency, Question
from tpm_coach.scoring.prompts import answer_fence, build_scoring_prompt, numbered_answer
from tpm_coach.scoring.warm import warm_judge

server = scoring_fixtures.server
bank = scoring_fixtures.bank
question = scoring_fixtures.question
competency = scoring_fixtures.competency

ANSWER = "I would ask what else reads that config. Then a feature flag for five percent of users first."


def settings_for(base_url: str, provider: str = "llamacpp") -> LlmSettings:
    return LlmSettings.model_validate({"provider": provider, "base_url": base_url, "model": "m", "max_retries": 0})


def before_answer(messages: list[dict[str, str]], answer: str) -> list[dict[str, str]]:
    """The prompt with its last message cut where the answer's fence starts."""
    opener, _ = answer_fence(numbered_answer(answer))
    *head, last = messages
    return [*head, {**last, "content": last["content"].split(opener)[0]}]


def test_the_judge_reads_everything_before_the_answer(
    server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    assert warm_judge(settings_for(server.base_url), question, competency)

    assert server.requests == []  # the stub keeps warm-ups apart from scoring requests
    (request,) = server.warm_ups
    assert request.body["max_tokens"] == 1
    assert "response_format" not in request.body
    real = build_scoring_prompt(question, competency, ANSWER).messages
    sent = request.messages
    assert before_answer(sent, "(the answer follows)") == before_answer(real, ANSWER)
    assert question.text in sent[-1]["content"]


def test_a_cloud_judge_is_not_sent_anything(
    server: OpenAIStubServer, question: Question, competency: Competency
) -> None:
    assert not warm_judge(settings_for(server.base_url, "openai"), question, competency)
    assert server.requests == server.warm_ups == []


def test_a_judge_that_is_down_is_not_an_error(question: Question, competency: Competency) -> None:
    nobody = f"http://127.0.0.1:{closed_port()}/v1"

    assert not warm_judge(settings_for(nobody), question, competency)


def test_a_judge_that_fails_is_not_an_error(question: Question, competency: Competency) -> None:
    # The stub answers every warm-up; a server that only lists models refuses the request with an HTTP error.
    with ModelListServer() as refusing:
        assert not warm_judge(settings_for(refusing.base_url), question, competency)
