"""A cloud provider without an API key is told the key is missing, before any call, not to start a server."""

from __future__ import annotations

import pytest

from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.errors import ConfigError, ScoringError
from tpm_coach.scoring.connection_check import check_llm_connection
from tpm_coach.scoring.llm import connect_scorer, needs_api_key


@pytest.mark.parametrize(
    "settings",
    [
        LlmSettings(provider=LlmProvider.OPENAI),
        LlmSettings(provider=LlmProvider.CUSTOM, base_url="https://openrouter.ai/api/v1", model="m"),
    ],
)
def test_no_key_for_a_cloud_provider_says_so(settings: LlmSettings) -> None:
    assert needs_api_key(settings)
    with pytest.raises(ConfigError) as checked:
        check_llm_connection(settings, None)
    assert "No API key" in checked.value.message and "API key" in checked.value.hint
    assert "start the server" not in f"{checked.value.message} {checked.value.hint}"
    with pytest.raises(ScoringError) as scoring:
        connect_scorer(settings, "")
    assert "No API key" in scoring.value.message


def test_servers_on_this_computer_or_a_network_need_no_key() -> None:
    assert not needs_api_key(LlmSettings(provider=LlmProvider.OLLAMA))
    assert not needs_api_key(LlmSettings(provider=LlmProvider.CUSTOM, base_url="http://10.0.0.5:8000/v1", model="m"))
