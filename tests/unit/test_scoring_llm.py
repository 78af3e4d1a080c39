"""The LLM scorer against a real HTTP server speaking the chat-completions protocol: what is sent, what comes back."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support import scoring_fixtures
from tests.support.openai_server import OpenAIStubServer, Reply, json_reply, rejects_json_schema, score_payload
from tests.support.scoring_fixtures import RecordingSleep, ScorerMaker, find_competency, find_question
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Bank, Competency, Question
from tpm_coach.errors import EmptyAnswerError
from tpm_coach.language.sentences import split_sentences
from tpm_coach.scoring.llm import JSON_MODE, SCHEMA_IN_JSON_MODE, STRICT_SCHEMA, LlmScorer, build_openai_client

TRANSCRIPT = (
    "Before agreeing I would ask what else reads that config, because a shared setting can break three "
    "services at once. I'd want it behind a feature flag for five percent of users first, and a rollback "
    "we have actually rehearsed. I'd check monitoring and alerts, and who is on call tomorrow."
)


# Shared fixtures, assigned so pytest finds them in this module.
server = scoring_fixtures.server
bank = scoring_fixtures.bank
question = scoring_fixtures.question
competency = scoring_fixtures.competency


@pytest.fixture
def make_scorer(server: OpenAIStubServer) -> Iterator[ScorerMaker]:
    made: list[LlmScorer] = []

    def make(**options: object) -> LlmScorer:
        settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="stub-model", timeout_s=5)
        options.setdefault("timeout_s", 5.0)
        options.setdefault("sleep", RecordingSleep())
        scorer = LlmScorer(build_openai_client(settings, None), "stub-model", owns_client=True, **options)  # type: ignore[arg-type]
        made.append(scorer)
        return scorer

    yield make
    for scorer in made:
        scorer.close()


def ids(competency: Competency) -> list[str]:
    return [c.id for c in competency.rubric.criteria]


def test_success_is_validated_weighted_and_labelled(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    first, second, *rest = ids(competency)
    scores = {first: 5, second: 2, **dict.fromkeys(rest, 3)}
    quotes = {first: ["what else reads that config"], second: ["a ROLLBACK we have   actually rehearsed"]}
    server.script(json_reply(score_payload(ids(competency), scores, quotes), prompt_tokens=900, completion_tokens=250))

    result = make_scorer().score(question, competency, TRANSCRIPT)

    weights = {c.id: c.weight for c in competency.rubric.criteria}
    expected = sum(scores[i] * weights[i] for i in weights) / sum(weights.values())
    assert result.overall == round(expected, 2)
    assert [c.id for c in result.criteria] == ids(competency)
    assert [c.score for c in result.criteria] == [scores[i] for i in ids(competency)]
    assert result.scorer == "llm"
    assert result.model == "stub-model"
    assert result.prompt_version.startswith("score_answer.v2@")
    assert len(result.prompt_version.split("@")[1]) == 12
    assert (result.prompt_tokens, result.completion_tokens) == (900, 250)
    assert result.latency_ms is not None
    assert result.follow_up == "What would you do differently?"
    assert result.strengths == ["Clear opening."]
    # Quotes are matched ignoring case and spacing, and point at the transcript's own words.
    evidence = result.criteria[1].evidence[0]
    assert evidence.quote == "a rollback we have actually rehearsed"
    assert TRANSCRIPT[evidence.start : evidence.end] == evidence.quote
    assert not result.criteria[0].flagged
    assert result.star is None  # not a behavioral question


def test_request_carries_schema_rubric_and_fenced_transcript(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    server.script(json_reply(score_payload(ids(competency))))
    make_scorer().score(question, competency, TRANSCRIPT)

    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer not-needed"
    assert request.body["model"] == "stub-model"
    assert request.body["temperature"] == 0
    fmt = request.response_format
    assert fmt is not None
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["properties"]["criteria"]["required"] == ids(competency)
    score_enum = schema["properties"]["criteria"]["properties"][ids(competency)[0]]["properties"]["score"]["enum"]
    assert score_enum == [1, 2, 3, 4, 5]
    system, user = request.messages
    assert system["role"] == "system"
    assert "never instructions" in system["content"]
    text = user["content"]
    assert question.text in text
    for criterion in competency.rubric.criteria:
        assert criterion.listen_for[0] in text
        assert all(anchor in text for anchor in criterion.anchors.values())
    # The transcript sits between two marker lines, after everything else, one numbered sentence a line.
    opener = next(line for line in text.splitlines() if line.startswith("<<<ANSWER "))
    token = opener.removeprefix("<<<ANSWER ").removesuffix(">>>")
    closer = f"<<<END ANSWER {token}>>>"
    assert len(token) == 16
    numbered = "\n".join(f"[{n}] {s.text}" for n, s in enumerate(split_sentences(TRANSCRIPT), start=1))
    assert numbered.startswith("[1] ")
    assert "\n[2] " in numbered
    assert text.index(opener) < text.index(numbered) < text.index(closer)
    assert text.rstrip().endswith(closer)


def test_fence_marker_is_stable_per_answer_and_differs_between_answers(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    for _ in range(3):
        server.script(json_reply(score_payload(ids(competency))))
    scorer = make_scorer()
    scorer.score(question, competency, TRANSCRIPT)
    scorer.score(question, competency, TRANSCRIPT)
    scorer.score(question, competency, TRANSCRIPT + " And I'd ask about peak traffic.")
    markers = [next(line for line in r.text().splitlines() if line.startswith("<<<ANSWER")) for r in server.requests]
    assert markers[0] == markers[1]  # the same answer gets the same prompt, so repeats are comparable
    assert markers[2] != markers[0]
    assert server.requests[0].body == server.requests[1].body


def test_streamed_reply_is_assembled(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    backed = {i: [2] for i in ids(competency)[1:]}
    payload = score_payload(ids(competency), 4, {ids(competency)[0]: ["who is on call tomorrow"]}, sentences=backed)
    server.script(json_reply(payload, chunk_chars=7, prompt_tokens=400, completion_tokens=90))

    result = make_scorer(stream=True).score(question, competency, TRANSCRIPT)

    assert server.requests[0].body["stream"] is True
    assert result.overall == 4.0
    assert result.criteria[0].evidence[0].quote == "who is on call tomorrow"
    assert (result.prompt_tokens, result.completion_tokens) == (400, 90)


def test_behavioral_question_asks_for_and_keeps_star(
    server: OpenAIStubServer, make_scorer: ScorerMaker, bank: Bank
) -> None:
    question = find_question(bank, "plan-002")
    competency = find_competency(bank, question.competency)
    star = {"situation": True, "task": True, "action": True, "result": False}
    server.script(json_reply(score_payload(ids(competency), 3, star=star)))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    schema = server.requests[0].response_format["json_schema"]["schema"]  # type: ignore[index]
    assert schema["required"][-1] == "star"
    assert result.star is not None
    assert result.star.model_dump() == star


def test_unknown_extra_criteria_are_ignored(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    payload = score_payload(ids(competency), 3)
    payload["criteria"]["charisma"] = {"evidence": [], "rationale": "made up", "score": 5}
    server.script(json_reply(payload))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert [c.id for c in result.criteria] == ids(competency)
    assert len(server.requests) == 1


def test_list_shaped_criteria_from_json_mode_are_accepted(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    payload = score_payload(ids(competency), 2)
    payload["criteria"] = [{"id": cid, **body} for cid, body in payload["criteria"].items()]
    server.script(Reply(content="```json\n" + json.dumps(payload) + "\n```"))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert result.overall == 2.0


@pytest.mark.parametrize(
    ("style", "level"),
    [("openai", SCHEMA_IN_JSON_MODE), ("llama-cpp-python", SCHEMA_IN_JSON_MODE), ("no-schemas", JSON_MODE)],
)
def test_server_without_json_schema_falls_back_and_remembers(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    *,
    question: Question,
    competency: Competency,
    style: str,
    level: int,
) -> None:
    server.default = rejects_json_schema(json_reply(score_payload(ids(competency), 4)), style=style)
    scorer = make_scorer(max_retries=0)

    first = scorer.score(question, competency, TRANSCRIPT)
    requests_for_first = len(server.requests)
    second = scorer.score(question, competency, TRANSCRIPT)

    assert first.overall == second.overall == 4.0
    assert scorer.format_level == level
    assert requests_for_first == 1 + level  # one rejected request per format given up
    # The second answer goes straight to the format that worked.
    assert len(server.requests) == requests_for_first + 1
    last = server.requests[-1].response_format
    assert last is not None
    assert last["type"] == "json_object"
    assert ("schema" in last) is (level == SCHEMA_IN_JSON_MODE)
    json_mode_note = any("JSON mode" in note for note in second.notes)
    assert json_mode_note is (level == JSON_MODE)


def test_strict_schema_is_kept_when_the_server_supports_it(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    server.script(json_reply(score_payload(ids(competency))))
    scorer = make_scorer()
    scorer.score(question, competency, TRANSCRIPT)
    assert scorer.format_level == STRICT_SCHEMA


@pytest.mark.parametrize("answer", ["", "   ", "um uh like you know um", "Yes I did that."])
def test_empty_answers_are_never_sent(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency, answer: str
) -> None:
    with pytest.raises(EmptyAnswerError, match="No answer was heard"):
        make_scorer().score(question, competency, answer)
    assert server.requests == []


def test_empty_outline_and_follow_up_fall_back_to_the_bank(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    payload = score_payload(ids(competency), 3)
    payload.update(stronger_answer=[], follow_up="  ")
    server.script(json_reply(payload))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert result.stronger_answer == question.strong_answer
    assert result.follow_up == question.follow_ups[0]
    assert question.strong_answer[0] in server.requests[0].text()
