"""Settings come from a TOML file and the environment; the API key only ever from the keyring or env."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.memory_keyring import MemoryKeyring
from tpm_coach.config import LlmProvider, Settings, load_settings, save_settings
from tpm_coach.errors import ConfigError
from tpm_coach.secrets import get_api_key, set_api_key


def test_defaults_are_local_and_offline(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.toml", environ={})
    assert settings.llm.provider is LlmProvider.OFFLINE
    assert not settings.llm.enabled
    assert settings.transcription.model == "tiny.en"
    assert settings.transcription.compute_type == "int8"


def test_file_round_trip_and_environment_overrides(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    settings = Settings()
    settings.llm.provider = LlmProvider.OLLAMA
    settings.llm.model = "llama3.1:8b"
    settings.active_banks = ["default", "acme"]
    save_settings(settings, path)
    assert load_settings(path, environ={}).llm.model == "llama3.1:8b"

    env = {"TPM_COACH_LLM_MODEL": "qwen2.5", "TPM_COACH_TRANSCRIPTION_BEAM_SIZE": "3", "OPENAI_BASE_URL": "http://x/v1"}
    loaded = load_settings(path, environ=env)
    assert loaded.llm.model == "qwen2.5"
    assert loaded.transcription.beam_size == 3
    assert loaded.llm.resolved_base_url() == "http://x/v1"
    assert loaded.active_banks == ["default", "acme"]


def test_presets_fill_base_url_and_model() -> None:
    settings = Settings()
    settings.llm.provider = LlmProvider.LM_STUDIO
    assert settings.llm.resolved_base_url() == "http://localhost:1234/v1"


@pytest.mark.parametrize(
    ("content", "env", "expected"),
    [
        ("llm = [broken", {}, "not valid TOML"),
        ("[llm]\ntimeout_s = -1\n", {}, "llm.timeout_s"),
        ("", {"TPM_COACH_TRANSCRIPTION_BEAM_SIZE": "many"}, "transcription.beam_size"),
        ("[llm]\napi_key = 'sk-secret'\n", {}, "llm.api_key"),
    ],
)
def test_bad_settings_name_what_to_fix(tmp_path: Path, content: str, env: dict[str, str], expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ=env)
    assert expected in info.value.message
    assert "sk-secret" not in str(info.value)


def test_api_key_lives_in_the_keyring_not_the_config(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    secret = "sk-test-0123456789abcdefghijkl"
    set_api_key(secret)
    path = tmp_path / "config.toml"
    save_settings(Settings(), path)
    assert secret.encode() not in path.read_bytes()
    assert get_api_key(environ={}) == secret
    assert get_api_key(environ={"OPENAI_API_KEY": "sk-env"}) == "sk-env"
    set_api_key("")
    assert get_api_key(environ={}) is None
    assert memory_keyring.store == {}
