"""The API key goes over plain http:// only to this computer, or to a host the user allowed once.

The refusal comes before any connection; the allowance is kept in the settings file. The command line's
part, run as a real process, is in tests/integration/test_plain_http.py.
"""

from __future__ import annotations

import tomllib

import pytest

from tpm_coach import paths
from tpm_coach.config import LlmProvider, LlmSettings, load_settings
from tpm_coach.errors import InsecureTransportError
from tpm_coach.plain_http import allow_plain_http, check_key_transport, is_loopback
from tpm_coach.scoring.llm import LOCAL_API_KEY, build_openai_client

KEY = "sk-plainhttp-0a1b2c3d4e5f6789"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.45.6.7", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LocalHost", True),
        ("128.0.0.1", False),
        ("10.0.0.5", False),
        ("localhost.example.com", False),
        ("gpu-box.lan", False),
    ],
)
def test_only_loopback_addresses_count_as_this_computer(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("base_url", "api_key", "allowed"),
    [
        ("https://gpu-box.lan/v1", KEY, []),
        ("http://127.0.0.1:11434/v1", KEY, []),
        ("http://[::1]:8080/v1", KEY, []),
        ("http://localhost:1234/v1", KEY, []),
        ("http://gpu-box.lan:8000/v1", None, []),  # no key, nothing to leak
        ("http://GPU-box.lan:8000/v1", KEY, ["gpu-box.lan"]),
    ],
)
def test_a_client_is_built_where_the_key_is_safe(base_url: str, api_key: str | None, allowed: list[str]) -> None:
    settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url=base_url, model="m", allow_plain_http_hosts=allowed)
    with build_openai_client(settings, api_key) as client:
        assert client.api_key == (api_key or LOCAL_API_KEY)


def test_a_key_over_plain_http_to_another_computer_is_refused() -> None:
    settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url="http://gpu-box.lan:8000/v1", model="m")
    with pytest.raises(InsecureTransportError) as caught:
        build_openai_client(settings, KEY)
    assert caught.value.host == "gpu-box.lan"
    assert "Refusing to send the API key unencrypted to gpu-box.lan" in caught.value.message
    assert "--allow-plain-http" in caught.value.hint
    with pytest.raises(InsecureTransportError):
        check_key_transport("http://gpu-box.lan/v1", KEY, ["other.lan"])


def test_an_allowance_is_saved_without_the_environments_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu-box.lan:8000/v1")
    in_use = load_settings()
    allow_plain_http("GPU-Box.lan", in_use)
    allow_plain_http("gpu-box.lan", in_use)  # twice: still listed once
    saved = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
    assert saved["llm"]["allow_plain_http_hosts"] == ["gpu-box.lan"]
    assert saved["llm"]["base_url"] == ""
    assert in_use.llm.allow_plain_http_hosts == ["gpu-box.lan"]
    assert load_settings().llm.allow_plain_http_hosts == ["gpu-box.lan"]
