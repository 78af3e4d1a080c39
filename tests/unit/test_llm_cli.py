"""`tpm-coach llm detect`'s text output, from the command line run in this process against loopback servers."""

from __future__ import annotations

import pytest

from tests.support.model_servers import ModelListServer, closed_port, openai_models
from tpm_coach.cli import run_cli


def test_nothing_found_says_how_to_start_a_server(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    assert run_cli(["llm", "detect", "--timeout", "0.5", "--port", f"vllm:{port}"]) == 0
    out = capsys.readouterr().out
    assert f"No model server answered on 127.0.0.1, ports {port} (vLLM)" in out
    for server in ("Ollama", "LM Studio", "llama.cpp", "vLLM"):
        assert f"  {server}: " in out


def test_found_servers_come_with_a_config_example(capsys: pytest.CaptureFixture[str]) -> None:
    routes = {"/v1/models": openai_models(["nomic-embed-text", "phi4"])}
    with ModelListServer(routes) as server:
        assert run_cli(["llm", "detect", "--timeout", "0.5", "--port", f"lmstudio:{server.port}"]) == 0
    out = capsys.readouterr().out
    assert f"LM Studio (a guess from the port: the reply does not say) at {server.base_url}" in out
    assert "models: nomic-embed-text, phi4" in out
    assert f'provider = "lmstudio"\n  base_url = "{server.base_url}"\n  model = "phi4"' in out
