"""The command line sends the API key over plain http:// to another computer only once the user allowed it.

It is run as a real process against a loopback-free address of this machine, so the key really would cross
a network interface.
"""

from __future__ import annotations

import tomllib

from tests.support import REPO_ROOT
from tests.support.cli import tpm
from tests.support.network import this_machines_network_address
from tests.support.openai_server import OpenAIStubServer, json_reply, score_payload
from tpm_coach import paths
from tpm_coach.config import Settings

KEY = "sk-plainhttp-0a1b2c3d4e5f6789"
STRONG = REPO_ROOT / "tests" / "data" / "transcripts" / "tech-001-strong.txt"


def test_the_command_line_refuses_then_sends_once_allowed() -> None:
    ids = ["constraints", "architecture", "trade-offs", "failure-and-rollout"]
    with OpenAIStubServer(default=json_reply(score_payload(ids, 4)), host=this_machines_network_address()) as server:
        env = {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": KEY, "TPM_COACH_LLM_MODEL": "stub-model"}
        score = ["score", "--question", "tech-001", "--transcript-file", str(STRONG), "--scorer", "llm"]

        refused = tpm(*score, env=env)
        assert refused.returncode == 2
        assert f"Refusing to send the API key unencrypted to {server.host}" in refused.stderr
        assert server.requests == []

        allowed = tpm(*score, "--allow-plain-http", env=env)
        assert allowed.returncode == 0, allowed.stderr
        assert [r.headers["authorization"] for r in server.requests] == [f"Bearer {KEY}"]

        remembered = tpm(*score, env=env)
        assert remembered.returncode == 0, remembered.stderr
        assert len(server.requests) == 2
    assert Settings.model_validate(tomllib.loads(paths.config_file().read_text())).llm.allow_plain_http_hosts == [
        server.host
    ]
