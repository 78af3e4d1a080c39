"""The detector against a real model server: llama-cpp-python serving SmolLM2 on a free loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.llama_server import LlamaServer, missing_parts
from tpm_coach.config import LlmProvider
from tpm_coach.scoring.detect import detect_servers

_WHY_SKIPPED = missing_parts()
if _WHY_SKIPPED:
    pytest.skip(_WHY_SKIPPED, allow_module_level=True)

pytestmark = [pytest.mark.llama, pytest.mark.slow, pytest.mark.timeout(300)]


def test_a_running_llama_cpp_python_server_is_found_and_named(tmp_path: Path) -> None:
    with LlamaServer(tmp_path / "server.log", n_ctx=512) as server:
        # Asked as if vLLM usually sat on this port: the server's own reply must win over the guess.
        found = detect_servers([(LlmProvider.VLLM, server.port)], timeout_s=2.0)
    assert len(found) == 1
    (detected,) = found
    assert (detected.provider, detected.base_url, detected.guessed) == (LlmProvider.LLAMA_CPP, server.base_url, False)
    assert detected.models == (str(server.gguf),)
