"""Every way an LLM server can fail, against a real HTTP server: retries, the repair retry, and actionable errors."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from tests.support import scoring_fixtures
from tests.support.openai_server import OpenAIStubServer, Reply, error_reply, json_reply, score_payload
from tests.support.scoring_fixtures import RecordingSleep, ScorerMaker
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Competency, Question
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.llm import LlmScorer, build_openai_client

TRANSCRIPT = (
    "I would ask what the change touches and who else reads that config. Then I'd want a feature flag for a "
    "small group first, a rehearsed rollback, and monitoring and alerts before we ship it tomorrow."
)


# Shared fixtures, assigned so pytest finds them in this module.
server = scoring_fixtures.server
bank = scoring_fixtures.bank
question = scoring_fixtures.question
competency = scoring_fixtures.competency


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def make_scorer(server: OpenAIStubServer, sleep: RecordingSleep) -> Iterator[ScorerMaker]:
    made: list[LlmScorer] = []

    def make(base_url: str | None = None, **options: object) -> LlmScorer:
        settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url=base_url or server.base_url, model="m")
        options.setdefault("timeout_s", 5.0)
        options.setdefault("max_retries", 2)
        scorer = LlmScorer(build_openai_client(settings, None), "m", owns_client=True, sleep=sleep, **options)  # type: ignore[arg-type]
        made.append(scorer)
        return scorer

    yield make
    for scorer in made:
        scorer.close()


def good(competency: Competency, score: int = 3) -> Reply:
    return json_reply(score_payload([c.id for c in competency.rubric.criteria], score))


# -- transport --------------------------------------------------------------------------------------------
def test_429_waits_for_retry_after_then_succeeds(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    sleep: RecordingSleep,
    question: Question,
    competency: Competency,
) -> None:
    server.script(error_reply(429, "slow down", headers={"retry-after": "2"}), good(competency, 4))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert result.overall == 4.0
    assert sleep.delays == [2.0]
    assert len(server.requests) == 2


def test_retry_after_is_capped(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    sleep: RecordingSleep,
    question: Question,
    competency: Competency,
) -> None:
    server.script(error_reply(429, "slow down", headers={"retry-after": "3600"}), good(competency))
    make_scorer(max_retry_after_s=7.5).score(question, competency, TRANSCRIPT)
    assert sleep.delays == [7.5]


def test_5xx_backs_off_then_succeeds(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    sleep: RecordingSleep,
    question: Question,
    competency: Competency,
) -> None:
    server.script(error_reply(500, "boom"), error_reply(503, "busy"), good(competency, 2))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert result.overall == 2.0
    assert sleep.delays == [0.5, 1.0]


@pytest.mark.parametrize(
    ("reply", "options", "expected", "delays"),
    [
        pytest.param(
            error_reply(429, "slow down", headers={"retry-after-ms": "1500"}),
            {},
            r"rate limiting requests \(HTTP 429, 3 attempts\)",
            [1.5, 1.5],
            id="rate-limited",
        ),
        pytest.param(
            error_reply(502, "bad gateway"),
            {},
            r"failed with HTTP 502 \(3 attempts\): bad gateway",
            [0.5, 1.0],
            id="server-error",
        ),
        pytest.param(
            Reply(content="{}", delay_s=30),
            {"timeout_s": 0.3, "max_retries": 1},
            r"did not answer within 0.3 s \(2 attempts\)",
            [0.5],
            id="too-slow",
        ),
    ],
)
def test_gives_up_once_the_retries_run_out(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    sleep: RecordingSleep,
    *,
    question: Question,
    competency: Competency,
    reply: Reply,
    options: dict[str, object],
    expected: str,
    delays: list[float],
) -> None:
    server.default = reply
    with pytest.raises(ScoringError, match=expected) as caught:
        make_scorer(**options).score(question, competency, TRANSCRIPT)
    assert sleep.delays == delays
    assert len(server.wait_for_requests(len(delays) + 1)) == len(delays) + 1
    assert "can be scored again later" in caught.value.hint


def test_connection_refused_names_the_url_and_the_fix(
    make_scorer: ScorerMaker, sleep: RecordingSleep, question: Question, competency: Competency
) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has nothing listening now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(ScoringError) as caught:
        make_scorer(base_url=url, max_retries=1).score(question, competency, TRANSCRIPT)
    assert caught.value.message == f"Cannot reach the LLM server at {url}: connection refused (2 attempts)"
    assert caught.value.hint.startswith("start the server or check the address in Settings > LLM")
    assert sleep.delays == [0.5]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "refused the API key"),
        (403, "refused the API key"),
        (404, "has no model 'm'"),
        (400, "rejected the request"),
    ],
)
def test_client_errors_are_not_retried(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    sleep: RecordingSleep,
    *,
    question: Question,
    competency: Competency,
    status: int,
    expected: str,
) -> None:
    server.default = error_reply(status, "nope")
    with pytest.raises(ScoringError, match=expected):
        make_scorer().score(question, competency, TRANSCRIPT)
    assert sleep.delays == []
    # A 400 is first taken as "this server lacks schemas" and tried once per fallback format.
    assert len(server.requests) == (3 if status == 400 else 1)


# -- malformed replies: one repair retry ------------------------------------------------------------------
def test_truncated_http_body_is_retried_once(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    server.script(Reply(raw_body=b'{"id": "chatcmpl-1", "object": "chat.completion", "choi'), good(competency, 5))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert result.overall == 5.0
    assert server.requests[0].body == server.requests[1].body


def test_truncated_http_body_twice_fails(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    server.default = Reply(raw_body=b'{"choices": [')
    with pytest.raises(ScoringError, match="malformed reply twice"):
        make_scorer().score(question, competency, TRANSCRIPT)
    assert len(server.requests) == 2


def test_invalid_json_content_gets_one_repair_request(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    broken = '{"criteria": {"constraints": {"evidence": [], "rationale": "cut off'
    server.script(Reply(content=broken), good(competency, 3))

    result = make_scorer().score(question, competency, TRANSCRIPT)

    assert result.overall == 3.0
    assert len(server.requests) == 2
    repair = server.requests[1].messages
    assert repair[:2] == server.requests[0].messages
    assert repair[2] == {"role": "assistant", "content": broken}
    assert repair[3]["role"] == "user"
    assert "not valid JSON" in repair[3]["content"]
    assert result.prompt_version.count("@") == 2
    assert "+repair_json.v2@" in result.prompt_version


def test_invalid_json_twice_fails_with_the_problem(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    server.default = Reply(content="Sure! Here is the score: 4/5")
    with pytest.raises(ScoringError, match="after one repair attempt: the reply is not valid JSON"):
        make_scorer().score(question, competency, TRANSCRIPT)
    assert len(server.requests) == 2


def test_out_of_range_score_is_repaired(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    first_id = competency.rubric.criteria[0].id
    bad = score_payload([c.id for c in competency.rubric.criteria], 3)
    bad["criteria"][first_id]["score"] = 7
    server.script(json_reply(bad), good(competency, 4))
    result = make_scorer().score(question, competency, TRANSCRIPT)
    assert result.overall == 4.0
    assert f"criteria.{first_id}.score is 7, outside the scale 1-5" in server.requests[1].messages[-1]["content"]


def test_out_of_range_twice_stores_nothing_and_says_why(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    bad = score_payload([c.id for c in competency.rubric.criteria], 0)
    server.default = json_reply(bad)
    with pytest.raises(ScoringError, match="outside the scale 1-5"):
        make_scorer().score(question, competency, TRANSCRIPT)


def test_missing_criterion_is_repaired_then_fails(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    last_id = competency.rubric.criteria[-1].id
    partial = score_payload([c.id for c in competency.rubric.criteria][:-1], 3)
    server.default = json_reply(partial)
    with pytest.raises(ScoringError, match=f"criteria.{last_id} is missing"):
        make_scorer().score(question, competency, TRANSCRIPT)
    assert f"criteria.{last_id} is missing" in server.requests[1].messages[-1]["content"]


def test_reply_cut_at_the_token_limit_is_repaired(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    server.script(Reply(content='{"criteria": {', finish_reason="length"), good(competency, 3))
    result = make_scorer(max_tokens=300).score(question, competency, TRANSCRIPT)
    assert result.overall == 3.0
    assert server.requests[0].body["max_tokens"] == 300
    assert "cut off at the length limit" in server.requests[1].messages[-1]["content"]


def test_stream_cut_mid_reply_is_repaired(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    whole = json.dumps(score_payload([c.id for c in competency.rubric.criteria], 2))
    server.script(Reply(content=whole, stream_cut_after=3), Reply(content=whole))
    result = make_scorer(stream=True).score(question, competency, TRANSCRIPT)
    assert result.overall == 2.0
    assert len(server.requests) == 2


def test_error_event_inside_a_stream_is_retried(
    server: OpenAIStubServer,
    make_scorer: ScorerMaker,
    sleep: RecordingSleep,
    question: Question,
    competency: Competency,
) -> None:
    whole = json.dumps(score_payload([c.id for c in competency.rubric.criteria], 5))
    server.script(Reply(content=whole, stream_error_after=2), Reply(content=whole))
    result = make_scorer(stream=True).score(question, competency, TRANSCRIPT)
    assert result.overall == 5.0
    assert sleep.delays == [0.5]


# -- quotes ------------------------------------------------------------------------------------------------
def test_quotes_not_in_the_answer_are_dropped_and_flagged(
    server: OpenAIStubServer, make_scorer: ScorerMaker, question: Question, competency: Competency
) -> None:
    first, second, third, *_ = [c.id for c in competency.rubric.criteria]
    quotes = {
        first: ["who else reads that config", "we load tested it at ten times peak"],
        second: ["I would ask what the change touches ... a rehearsed rollback"],
        third: [],
    }
    server.script(json_reply(score_payload([c.id for c in competency.rubric.criteria], 4, quotes)))

    result = make_scorer().score(question, competency, TRANSCRIPT)

    by_id = {c.id: c for c in result.criteria}
    assert [e.quote for e in by_id[first].evidence] == ["who else reads that config"]
    assert by_id[first].flagged
    assert by_id[first].score == 4  # the score stands, flagged for the candidate to weigh
    # An elided quote becomes one span per part.
    assert [e.quote for e in by_id[second].evidence] == ["I would ask what the change touches", "a rehearsed rollback"]
    assert not by_id[second].flagged
    # A 4 that cites nothing is capped at the middle anchor and says so.
    assert by_id[third].flagged
    assert (by_id[third].score, by_id[third].capped_from) == (3, 4)
    names = {c.id: c.name for c in competency.rubric.criteria}
    assert any(note.startswith(f"{names[first]}: 1 citation") for note in result.notes)
    assert any(note.startswith(f"{names[third]}: the judge gave 4 but cited no sentence") for note in result.notes)
