"""A real model server end to end: llama.cpp serving SmolLM2, its schema-constrained reply parsed, validated and
stored in a real SQLite database through ScoringService. The model's judgement is not what is tested."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.llama_server import LlamaServer, missing_parts
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import AttemptStatus, Competency, DeliveryMetrics, Question, Transcript
from tpm_coach.scoring import ScoringService
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.scoring.llm import SCHEMA_IN_JSON_MODE, STRICT_SCHEMA, LlmScorer, build_openai_client
from tpm_coach.scoring.reply import ReplyLimits
from tpm_coach.storage import AttemptRepository, Database, SessionRepository

_WHY_SKIPPED = missing_parts()
if _WHY_SKIPPED:
    pytest.skip(_WHY_SKIPPED, allow_module_level=True)

pytestmark = [pytest.mark.llama, pytest.mark.slow, pytest.mark.timeout(900)]

# A compact rubric keeps the prompt (and so this test) short on a 2-core machine.
COMPETENCY = Competency.model_validate(
    {
        "id": "risk-management",
        "name": "Risk management",
        "description": "Finds risks early and plans for them.",
        "rubric": {
            "scale": {"min": 1, "max": 5},
            "criteria": [
                {
                    "id": "identification",
                    "name": "Finding risks",
                    "listen_for": ["what could go wrong"],
                    "anchors": {1: "No risks named.", 3: "Names a risk.", 5: "Names risks with evidence."},
                },
                {
                    "id": "ownership",
                    "name": "Owners",
                    "weight": 1.5,
                    "listen_for": ["the owner is"],
                    "anchors": {1: "No owner.", 3: "An owner.", 5: "An owner and a trigger."},
                },
                {
                    "id": "contingency",
                    "name": "Plan B",
                    "listen_for": ["fallback"],
                    "anchors": {1: "No plan B.", 3: "A vague plan B.", 5: "A tested fallback."},
                },
            ],
        },
    }
)
QUESTION = Question.model_validate(
    {
        "id": "risk-llama",
        "competency": "risk-management",
        "text": "How do you handle a risky vendor dependency?",
        "kind": "situational",
        "strong_answer": ["Names the risk", "Gives it an owner", "Has a fallback"],
    }
)
ANSWER = (
    "Our launch depended on a payments vendor with a weak record. I asked what could go wrong, and the owner "
    "is Priya, who checks their status every Monday. Our fallback is the old provider, which we tested in May."
)


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    with LlamaServer(tmp_path_factory.mktemp("llama") / "server.log") as server:
        yield server


def test_a_real_servers_reply_is_validated_and_stored(llama: LlamaServer, tmp_path: Path) -> None:
    settings = LlmSettings(
        provider=LlmProvider.LLAMA_CPP, base_url=llama.base_url, model="smollm2", timeout_s=600, max_retries=0
    )
    scorers: list[LlmScorer] = []

    def factory(choice: ScorerChoice) -> Scorer:
        assert choice == "llm"
        scorer = LlmScorer(
            build_openai_client(settings, None),
            settings.resolved_model(),
            timeout_s=settings.timeout_s,
            max_retries=0,
            max_tokens=1200,
            reply_limits=ReplyLimits(max_text_chars=48, max_items=1),
        )
        scorers.append(scorer)
        return scorer

    db = Database.open(tmp_path / "scores.sqlite3")
    try:
        attempts = AttemptRepository(db)
        session_id = SessionRepository(db).create(["test"])
        attempt_id = attempts.create(session_id, QUESTION, COMPETENCY, answer_mode="typed")
        attempts.save_transcript(attempt_id, Transcript(text=ANSWER, engine="typed"), DeliveryMetrics())

        try:
            result = ScoringService(attempts, factory).score_attempt(attempt_id, scorer="llm")
        except Exception:
            llama.raise_if_dead()
            raise

        stored = attempts.get(attempt_id)
    finally:
        db.close()
    # llama-cpp-python refuses OpenAI's json_schema format and takes the schema inside JSON mode instead; either
    # way the reply was constrained by the schema, never left to plain JSON mode.
    assert scorers[0].format_level in {STRICT_SCHEMA, SCHEMA_IN_JSON_MODE}, llama.log_tail()
    assert stored.status is AttemptStatus.SCORED
    assert stored.transcript is not None
    assert stored.transcript.text == ANSWER
    assert stored.score == result
    assert [c.id for c in result.criteria] == ["identification", "ownership", "contingency"]
    assert all(1 <= c.score <= 5 for c in result.criteria)
    weights = {"identification": 1.0, "ownership": 1.5, "contingency": 1.0}
    expected = sum(c.score * weights[c.id] for c in result.criteria) / 3.5
    assert result.overall == pytest.approx(expected, abs=0.006)
    assert result.scorer == "llm"
    assert result.model == "smollm2"
    assert result.prompt_version.startswith("score_answer.v2@")
    assert result.prompt_tokens
    assert result.prompt_tokens > 100
    assert result.completion_tokens
    assert result.completion_tokens > 10
    assert result.latency_ms is not None
    assert result.latency_ms > 0
    for criterion in result.criteria:
        for evidence in criterion.evidence:  # whatever a tiny model quotes, only verbatim quotes survive
            assert evidence.start is not None
            assert evidence.end is not None
            assert ANSWER[evidence.start : evidence.end] == evidence.quote
