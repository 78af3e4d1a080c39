"""`tpm-coach rescore`, run as a real process against a loopback server speaking the OpenAI protocol: the new
score becomes current, earlier ones are kept, and an answer that cannot be re-scored keeps its score."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.cli import tpm
from tests.support.openai_server import OpenAIStubServer, error_reply, json_reply, score_payload
from tpm_coach.context import AppContext
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.scoring import OfflineScorer, ScoringService

ANSWER = (
    "I owned the migration of our billing service to the new platform. I split it into three phases, agreed a "
    "rollback plan with the database team, and we cut over with no customer-facing downtime."
)


@pytest.fixture
def server() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as stub:
        yield stub


def estimated_answers(count: int) -> tuple[list[int], list[str]]:
    """`count` typed answers scored by the offline scorer, as without an LLM; their ids and rubric criteria."""
    ctx = AppContext()
    try:
        question = ctx.banks.question("tech-001")
        competency = ctx.banks.competency_for(question)
        session_id = ctx.sessions.create(["default"])
        service = ScoringService(ctx.attempts, lambda _choice: OfflineScorer())
        ids = []
        for _ in range(count):
            attempt_id = ctx.attempts.create(session_id, question, competency, answer_mode="typed")
            ctx.attempts.save_transcript(attempt_id, Transcript(text=ANSWER), DeliveryMetrics())
            service.score_attempt(attempt_id)
            ids.append(attempt_id)
        return ids, [c.id for c in competency.rubric.criteria]
    finally:
        ctx.close()


def scores_of(attempt_id: int) -> list[tuple[str, bool]]:
    ctx = AppContext()
    try:
        return [(s.result.scorer, s.current) for s in ctx.attempts.get(attempt_id).scores]
    finally:
        ctx.close()


def llm_env(server: OpenAIStubServer) -> dict[str, str]:
    return {"OPENAI_BASE_URL": server.base_url, "TPM_COACH_LLM_MODEL": "stub-model", "TPM_COACH_LLM_MAX_RETRIES": "0"}


def test_rescore_json_gives_the_new_score_and_keeps_the_estimate(server: OpenAIStubServer) -> None:
    (attempt_id,), criteria = estimated_answers(1)
    server.script(json_reply(score_payload(criteria, 4)))

    result = tpm("rescore", str(attempt_id), "--json", env=llm_env(server))

    assert result.returncode == 0, result.stderr
    [outcome] = json.loads(result.stdout)
    assert (outcome["attempt_id"], outcome["rescored"], outcome["error"]) == (attempt_id, True, None)
    assert outcome["score"]["scorer"] == "llm" and outcome["score"]["overall"] == 4.0
    assert outcome["score"]["model"] == "stub-model"
    newest, kept = outcome["scores"]
    assert newest["current"] and newest["judge"].startswith("LLM · stub-model · score_answer.v")
    assert not kept["current"] and kept["judge"] == "Offline estimate"
    assert scores_of(attempt_id) == [("offline", False), ("llm", True)]
    assert len(server.wait_for_requests(1)) == 1


def test_rescore_text_names_both_judges(server: OpenAIStubServer) -> None:
    (attempt_id,), criteria = estimated_answers(1)
    server.script(json_reply(score_payload(criteria, 5)))

    result = tpm("rescore", str(attempt_id), env=llm_env(server))

    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.startswith(f"answer #{attempt_id}: 5.0 / 5 by LLM · stub-model · score_answer.v")
    assert first.endswith(", now current")
    assert second.startswith("  kept: ") and " by Offline estimate (" in second


def test_an_answer_that_cannot_be_rescored_keeps_its_score(server: OpenAIStubServer) -> None:
    (failing, not_asked), _ = estimated_answers(2)
    server.default = error_reply(500, "the model crashed")

    result = tpm("rescore", str(failing), "999", "--json", env=llm_env(server))

    assert result.returncode == 1
    outcomes = {o["attempt_id"]: o for o in json.loads(result.stdout)}
    assert outcomes[failing]["rescored"] is False and "HTTP 500" in outcomes[failing]["error"]
    assert [s["judge"] for s in outcomes[failing]["scores"]] == ["Offline estimate"]
    assert outcomes[999]["rescored"] is False and "999" in outcomes[999]["error"]
    assert scores_of(failing) == [("offline", True)]
    assert scores_of(not_asked) == [("offline", True)]  # untouched: it was not asked for
    assert result.stderr == ""  # with --json the outcomes say it all


def test_rescore_with_the_offline_scorer_needs_no_llm() -> None:
    (attempt_id,), _ = estimated_answers(1)

    result = tpm("rescore", str(attempt_id), "--scorer", "offline")

    assert result.returncode == 0, result.stderr
    assert "by Offline estimate" in result.stdout.splitlines()[0]
    assert scores_of(attempt_id) == [("offline", False), ("offline", True)]


def test_rescore_with_no_llm_configured_says_how_to_configure_one() -> None:
    (attempt_id,), _ = estimated_answers(1)

    result = tpm("rescore", str(attempt_id))

    assert result.returncode == 1
    assert f"answer #{attempt_id} was not re-scored: No LLM is configured" in result.stderr
    assert "Settings > LLM" in result.stderr
    assert result.stdout.startswith(f"answer #{attempt_id}: still ") and "by Offline estimate" in result.stdout
    assert scores_of(attempt_id) == [("offline", True)]
