"""`tpm-coach doctor` asks the LLM server for its models without the API key when the key would cross the network
unencrypted, and says so; once the host is allowed the key goes. The server is real, on this machine's network
address (not loopback), so the key's route matters."""

from __future__ import annotations

from tests.support.model_servers import ModelListServer, openai_models
from tests.support.network import this_machines_network_address
from tpm_coach.config import LlmProvider, LlmSettings, Settings, TranscriptionEngine, TranscriptionSettings
from tpm_coach.diagnostics import check_llm, check_transcription
from tpm_coach.secrets import set_api_key

KEY = "sk-doctor-0a1b2c3d4e5f6789"


def settings_for(base_url: str, allowed: list[str]) -> Settings:
    llm = LlmSettings(provider=LlmProvider.CUSTOM, base_url=base_url, model="m", allow_plain_http_hosts=allowed)
    remote = TranscriptionSettings(engine=TranscriptionEngine.REMOTE, remote_base_url=base_url)
    return Settings(llm=llm, transcription=remote)


def test_the_key_is_withheld_from_a_plain_http_server_elsewhere_until_allowed() -> None:
    set_api_key(KEY)
    host = this_machines_network_address()
    with ModelListServer({"/v1/models": openai_models(["m"])}, host=host) as server:
        refused = check_llm(settings_for(server.base_url, []))
        allowed = check_llm(settings_for(server.base_url, [host]))
    assert [h.get("authorization") for h in server.headers] == [None, f"Bearer {KEY}"]
    assert refused.status == "warn"
    assert "reachable (HTTP 200)" in refused.detail
    assert f"the API key was not sent: Refusing to send the API key unencrypted to {host}" in refused.detail
    assert allowed.status == "ok"
    assert allowed.detail.endswith("API key set")
    assert KEY not in refused.detail + allowed.detail


def test_a_loopback_server_gets_the_key() -> None:
    set_api_key(KEY)
    with ModelListServer({"/v1/models": openai_models(["m"])}) as server:
        check = check_llm(settings_for(server.base_url, []))
    assert check.status == "ok"
    assert server.headers[0]["authorization"] == f"Bearer {KEY}"


def test_a_remote_transcription_server_over_plain_http_is_flagged() -> None:
    set_api_key(KEY)
    refused = check_transcription(settings_for("http://gpu-box.lan:8000/v1", []))
    assert refused.status == "warn"
    assert "Refusing to send the API key unencrypted to gpu-box.lan" in refused.detail
    assert "Settings > Transcription" in refused.detail
    assert check_transcription(settings_for("http://gpu-box.lan:8000/v1", ["gpu-box.lan"])).status == "ok"
    assert check_transcription(settings_for("https://gpu-box.lan/v1", [])).status == "ok"
