"""`tpm-coach score`, run as a real process: the output contract, exit codes and both scorers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.support.cli import tpm
from tests.support.openai_server import OpenAIStubServer, json_reply, score_payload
from tpm_coach.language.sentences import split_sentences

TRANSCRIPTS = REPO_ROOT / "tests" / "data" / "transcripts"
STRONG = TRANSCRIPTS / "tech-001-strong.txt"


@pytest.fixture
def server() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as stub:
        yield stub


def test_json_output_contract_with_the_offline_scorer() -> None:
    result = tpm("score", "--question", "tech-001", "--transcript-file", str(STRONG), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scorer"] == "offline"
    assert data["scale"] == {"min": 1, "max": 5}
    assert 1 <= data["overall"] <= 5
    assert [c["id"] for c in data["criteria"]] == ["constraints", "architecture", "trade-offs", "failure-and-rollout"]
    text = STRONG.read_text()
    for criterion in data["criteria"]:
        assert set(criterion) >= {"id", "score", "evidence", "rationale"}
        assert isinstance(criterion["score"], int)
        for quote, span in zip(criterion["evidence"], criterion["evidence_spans"], strict=True):
            assert text[span["start"] : span["end"]] == quote
    assert any(c["evidence"] for c in data["criteria"])
    assert isinstance(data["strengths"], list)
    assert isinstance(data["improvements"], list)
    assert data["follow_up"]
    assert data["notes"][0].startswith("Offline estimate")


def test_text_output_shows_scores_evidence_and_feedback() -> None:
    result = tpm("score", "--question", "tech-001", "--transcript-file", str(STRONG), "--scorer", "offline")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Overall ")
    assert "(offline estimate)" in out
    assert "Trade-offs [trade-offs]: " in out
    assert '> "' in out
    assert "Follow-up question: " in out


@pytest.mark.parametrize("name", ["empty.txt", "fillers-only.txt"])
def test_empty_transcript_exits_2_saying_no_answer_was_heard(name: str) -> None:
    result = tpm("score", "--question", "tech-001", "--transcript-file", str(TRANSCRIPTS / name))
    assert result.returncode == 2
    assert "No answer was heard" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_question_exits_2() -> None:
    result = tpm("score", "--question", "nope-999", "--transcript-file", str(STRONG))
    assert result.returncode == 2
    assert "unknown question 'nope-999'" in result.stderr


def test_missing_transcript_file_exits_2(tmp_path: Path) -> None:
    result = tpm("score", "--question", "tech-001", "--transcript-file", str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_own_question_with_a_competency_and_stdin() -> None:
    answer = (TRANSCRIPTS / "lead-001-weak.txt").read_text()
    result = tpm(
        "score",
        "--question-text",
        "How do you get help from a busy team?",
        "--competency",
        "leadership",
        "--kind",
        "behavioral",
        "--transcript-file",
        "-",
        "--json",
        stdin=answer,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"]["text"] == "How do you get help from a busy team?"
    assert data["star"] is not None
    assert tpm("score", "--question-text", "Why?", "--transcript-file", str(STRONG)).returncode == 2
    unknown = tpm("score", "--question-text", "Why?", "--competency", "juggling", "--transcript-file", str(STRONG))
    assert unknown.returncode == 2
    assert "unknown competency 'juggling'" in unknown.stderr


def test_configured_llm_is_the_default_scorer(server: OpenAIStubServer) -> None:
    ids = ["constraints", "architecture", "trade-offs", "failure-and-rollout"]
    cited = {i: [1] for i in ids if i != "trade-offs"}
    server.script(
        json_reply(score_payload(ids, 4, {"trade-offs": ["a big-bang cut-over is far riskier"]}, sentences=cited))
    )
    env = {"OPENAI_BASE_URL": server.base_url, "TPM_COACH_LLM_MODEL": "stub-model"}

    result = tpm("score", "--question", "tech-001", "--transcript-file", str(STRONG), "--json", env=env)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scorer"] == "llm"
    assert data["model"] == "stub-model"
    assert data["overall"] == 4.0
    assert data["prompt_version"].startswith("score_answer.v2@")
    trade_offs = next(c for c in data["criteria"] if c["id"] == "trade-offs")
    assert trade_offs["evidence"] == ["a big-bang cut-over is far riskier"]
    assert len(server.requests) == 1
    sent = server.requests[0].text()
    assert all(f"[{n}] {s.text}" in sent for n, s in enumerate(split_sentences(STRONG.read_text()), start=1))


def test_unreachable_llm_exits_2_with_what_to_do(server: OpenAIStubServer) -> None:
    url = server.base_url
    server.close()  # the port now refuses connections
    env = {"OPENAI_BASE_URL": url, "TPM_COACH_LLM_MODEL": "m", "TPM_COACH_LLM_MAX_RETRIES": "0"}
    result = tpm("score", "--question", "tech-001", "--transcript-file", str(STRONG), env=env)
    assert result.returncode == 2
    assert f"Cannot reach the LLM server at {url}: connection refused" in result.stderr
    assert "start the server or check the address in Settings > LLM" in result.stderr
