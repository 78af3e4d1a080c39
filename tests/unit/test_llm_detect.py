"""Finding local model servers: real HTTP servers on loopback ports stand in for Ollama, vLLM and LM Studio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.model_servers import ModelListServer, closed_port, ollama_tags, openai_models
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.scoring.detect import DEFAULT_CANDIDATES, Candidate, detect_servers, parse_candidate

TIMEOUT_S = 0.5


@pytest.fixture
def ollama() -> Iterator[ModelListServer]:
    routes = {
        "/v1/models": openai_models(["llama3.1:8b", "nomic-embed-text:latest"], owned_by="library"),
        "/api/tags": ollama_tags(["llama3.1:8b", "nomic-embed-text:latest"]),
    }
    with ModelListServer(routes) as server:
        yield server


def test_the_usual_ports_are_asked_by_default() -> None:
    assert {(c.provider, c.port) for c in DEFAULT_CANDIDATES} == {
        (LlmProvider.OLLAMA, 11434),
        (LlmProvider.LM_STUDIO, 1234),
        (LlmProvider.LLAMA_CPP, 8080),
        (LlmProvider.LLAMA_CPP, 8000),
        (LlmProvider.VLLM, 8000),
    }


def test_found_servers_are_listed_with_their_models_and_told_apart(ollama: ModelListServer) -> None:
    vllm_routes = {"/v1/models": openai_models(["Qwen/Qwen2.5-7B-Instruct"], owned_by="vllm")}
    unknown_routes = {"/v1/models": openai_models(["local-model"], owned_by="someone")}
    with ModelListServer(vllm_routes) as vllm, ModelListServer(unknown_routes) as unknown:
        found = detect_servers(
            [
                (LlmProvider.LLAMA_CPP, vllm.port),  # the port's guess loses to what the reply says
                (LlmProvider.LM_STUDIO, unknown.port),
                (LlmProvider.OLLAMA, ollama.port),
            ],
            timeout_s=TIMEOUT_S,
        )
    assert [(s.provider, s.base_url, s.models) for s in found] == [
        (LlmProvider.VLLM, vllm.base_url, ("Qwen/Qwen2.5-7B-Instruct",)),
        (LlmProvider.LM_STUDIO, unknown.base_url, ("local-model",)),
        (LlmProvider.OLLAMA, ollama.base_url, ("llama3.1:8b", "nomic-embed-text:latest")),
    ]
    assert [s.guessed for s in found] == [False, True, False]
    assert "vllm" in found[0].identified_by
    assert "/api/tags" in found[2].identified_by
    assert found[2].suggested_model == "llama3.1:8b", "an embedding model cannot score"
    assert {"/v1/models", "/api/tags"} <= set(ollama.paths)


def test_an_ollama_without_the_openai_model_list_is_found_by_its_tags() -> None:
    with ModelListServer({"/api/tags": ollama_tags(["qwen2.5:3b"])}) as old:
        found = detect_servers([(LlmProvider.CUSTOM, old.port)], timeout_s=TIMEOUT_S)
    assert [(s.provider, s.models, s.guessed) for s in found] == [(LlmProvider.OLLAMA, ("qwen2.5:3b",), False)]


def test_closed_garbage_and_late_ports_are_skipped(ollama: ModelListServer) -> None:
    garbage = {"/v1/models": (200, b"<html>It works!</html>", {}), "/api/tags": (200, b"\xff\xfe not json", {})}
    wrong_shape = {"/v1/models": (200, b'{"data": "models"}', {}), "/api/tags": (200, b'{"models": 3}', {})}
    with (
        ModelListServer(garbage) as html,
        ModelListServer(wrong_shape) as odd,
        ModelListServer(ollama.routes, delay_s=10) as late,
        ModelListServer({}) as not_found,
    ):
        candidates = [
            Candidate(LlmProvider.LLAMA_CPP, closed_port()),
            Candidate(LlmProvider.VLLM, html.port),
            Candidate(LlmProvider.VLLM, odd.port),
            Candidate(LlmProvider.LM_STUDIO, late.port),
            Candidate(LlmProvider.LLAMA_CPP, not_found.port),
            Candidate(LlmProvider.OLLAMA, ollama.port),
        ]
        found = detect_servers(candidates, timeout_s=TIMEOUT_S)
    # The late server would list the same models as the Ollama one, had the probe waited for it.
    assert [s.port for s in found] == [ollama.port]
    assert set(late.paths) == {"/v1/models", "/api/tags"}


def test_a_redirect_elsewhere_is_not_followed(ollama: ModelListServer) -> None:
    elsewhere = {"location": f"{ollama.base_url}/models"}
    routes = {"/v1/models": (302, b"", elsewhere), "/api/tags": (307, b"", {"location": "http://127.0.0.1:1/"})}
    with ModelListServer(routes) as redirecting:
        assert detect_servers([(LlmProvider.VLLM, redirecting.port)], timeout_s=TIMEOUT_S) == []
    assert ollama.paths == []


def test_a_proxy_from_the_environment_is_not_used(ollama: ModelListServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with ModelListServer({"/v1/models": openai_models(["from-the-proxy"])}) as proxy:
        for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        found = detect_servers([(LlmProvider.OLLAMA, ollama.port)], timeout_s=TIMEOUT_S)
    assert [s.models for s in found] == [("llama3.1:8b", "nomic-embed-text:latest")]
    assert proxy.paths == []


def test_a_found_server_becomes_llm_settings_keeping_the_others(ollama: ModelListServer) -> None:
    (server,) = detect_servers([(LlmProvider.OLLAMA, ollama.port)], timeout_s=TIMEOUT_S)
    base = LlmSettings(timeout_s=120, max_retries=4)
    chosen = server.llm_settings("llama3.1:8b", base)
    assert (chosen.provider, chosen.base_url, chosen.model) == (LlmProvider.OLLAMA, ollama.base_url, "llama3.1:8b")
    assert (chosen.timeout_s, chosen.max_retries) == (120, 4)
    assert chosen.enabled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9000", Candidate(LlmProvider.CUSTOM, 9000)),
        ("ollama:11435", Candidate(LlmProvider.OLLAMA, 11435)),
        ("LMStudio:1235", Candidate(LlmProvider.LM_STUDIO, 1235)),
    ],
)
def test_a_candidate_is_a_port_with_an_optional_provider(text: str, expected: Candidate) -> None:
    assert parse_candidate(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [("openai:443", "not a local server"), ("nope:1", "unknown provider"), ("ollama:x", "not a port"), ("0", "port")],
)
def test_a_bad_candidate_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_candidate(text)
