"""`tpm-coach llm detect`, run as a real process against real servers on loopback ports."""

from __future__ import annotations

import json
import subprocess

from tests.support.cli import tpm
from tests.support.model_servers import ModelListServer, closed_port, ollama_tags, openai_models


def detect(*args: str) -> subprocess.CompletedProcess[str]:
    return tpm("llm", "detect", "--timeout", "0.5", *args)


def test_json_lists_each_server_with_provider_base_url_and_models() -> None:
    ollama_routes = {"/v1/models": openai_models(["qwen2.5:3b"]), "/api/tags": ollama_tags(["qwen2.5:3b"])}
    lm_routes = {"/v1/models": openai_models(["google/gemma-3-4b", "qwen/qwen3-8b"], owned_by="organization_owner")}
    with ModelListServer(ollama_routes) as ollama, ModelListServer(lm_routes) as lm_studio:
        ports = [f"llamacpp:{closed_port()}", str(lm_studio.port), f"ollama:{ollama.port}"]
        result = detect("--json", *(arg for port in ports for arg in ("--port", port)))
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [{key: row[key] for key in ("provider", "base_url", "models")} for row in listed] == [
        {"provider": "lmstudio", "base_url": lm_studio.base_url, "models": ["google/gemma-3-4b", "qwen/qwen3-8b"]},
        {"provider": "ollama", "base_url": ollama.base_url, "models": ["qwen2.5:3b"]},
    ]
    assert all(isinstance(row["latency_ms"], float) and row["guessed"] is False for row in listed)


def test_json_is_an_empty_list_when_nothing_answers() -> None:
    result = detect("--json", "--port", str(closed_port()))
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_a_bad_port_is_refused_by_the_parser() -> None:
    result = detect("--port", "openai:443")
    assert result.returncode == 2
    assert "not a local server" in result.stderr
