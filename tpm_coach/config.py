"""Typed settings: a TOML file under the config directory, overridden by environment variables.

Environment overrides: OPENAI_BASE_URL, and TPM_COACH_<SECTION>_<KEY> for any setting
(e.g. TPM_COACH_LLM_MODEL, TPM_COACH_TRANSCRIPTION_MODEL). The API key is never part of these
settings: see `tpm_coach.secrets`.
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tpm_coach import paths
from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LlmProvider(StrEnum):
    OFFLINE = "offline"
    OPENAI = "openai"
    OLLAMA = "ollama"
    LM_STUDIO = "lmstudio"
    LLAMA_CPP = "llamacpp"
    VLLM = "vllm"
    CUSTOM = "custom"


# Base URLs and example models for the OpenAI-compatible servers; the user may change either.
PROVIDER_PRESETS: dict[LlmProvider, tuple[str, str]] = {
    LlmProvider.OPENAI: ("https://api.openai.com/v1", "gpt-4o-mini"),
    LlmProvider.OLLAMA: ("http://localhost:11434/v1", "llama3.1:8b"),
    LlmProvider.LM_STUDIO: ("http://localhost:1234/v1", "local-model"),
    LlmProvider.LLAMA_CPP: ("http://localhost:8080/v1", "local-model"),
    LlmProvider.VLLM: ("http://localhost:8000/v1", "Qwen/Qwen2.5-7B-Instruct"),
}
# Servers that usually run on the candidate's own computer, where a small model on a CPU writes a few tokens a
# second: their replies are streamed unless `stream` says otherwise (a custom URL on this computer counts too).
LOCAL_PROVIDERS = frozenset({LlmProvider.OLLAMA, LlmProvider.LM_STUDIO, LlmProvider.LLAMA_CPP, LlmProvider.VLLM})


class LlmSettings(_Section):
    provider: LlmProvider = LlmProvider.OFFLINE
    base_url: str = ""
    model: str = ""
    timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=600,
        description="How long the server may stay silent: a whole reply's total time, or the longest pause in a "
        "streamed one (a server that stops sending has hung).",
    )
    stream: bool | None = Field(
        default=None,
        description="Stream replies, showing each criterion as it arrives. Unset: yes for a server on this computer.",
    )
    stream_timeout_s: float = Field(
        default=300.0,
        gt=0,
        le=1800,
        description="How long one streamed reply may take in all; a small model on a laptop CPU needs 2-3 minutes.",
    )
    max_retries: int = Field(default=2, ge=0, le=10)
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int | None = Field(
        default=None, ge=256, le=32_000, description="Cap on a reply's length; keeps small local models from rambling."
    )
    allow_plain_http_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts the user agreed may receive the API key over unencrypted http:// (see plain_http.py).",
    )

    @property
    def enabled(self) -> bool:
        return self.provider is not LlmProvider.OFFLINE

    def resolved_base_url(self) -> str:
        if self.base_url:
            return self.base_url
        preset = PROVIDER_PRESETS.get(self.provider)
        return preset[0] if preset else ""

    def resolved_model(self) -> str:
        if self.model:
            return self.model
        preset = PROVIDER_PRESETS.get(self.provider)
        return preset[1] if preset else ""


class TranscriptionEngine(StrEnum):
    LOCAL = "local"
    REMOTE = "remote"


class TranscriptionSettings(_Section):
    engine: TranscriptionEngine = TranscriptionEngine.LOCAL
    model: str = Field(default="tiny.en", description="'tiny.en' (bundled), a named Whisper model or a folder.")
    compute_type: str = "int8"
    threads: int = Field(default=0, ge=0, le=64, description="0 lets the engine choose.")
    beam_size: int = Field(
        default=1,
        ge=1,
        le=10,
        description=(
            "1 decodes greedily (fastest); Whisper base and larger use at least 5. The words left at Stop are"
            " decoded greedily when the beam would keep the transcript waiting past its time budget."
        ),
    )
    language: str = "en"
    remote_base_url: str = ""
    remote_model: str = "whisper-1"


class AudioSettings(_Section):
    input_device: str = Field(default="", description="Device name or index; empty means the default input.")
    sample_rate: int = 16000


class PracticeSettings(_Section):
    read_aloud: bool = False
    thinking_seconds: int = Field(default=0, ge=0, le=300)
    default_time_limit_s: int = Field(default=180, ge=15, le=1800)


class Settings(_Section):
    data_dir: str = ""
    active_banks: list[str] = Field(default_factory=lambda: ["default"])
    llm_choice_made: bool = Field(
        default=False, description="The first start's question (local server, API key or offline) was answered."
    )
    first_run_done: bool = Field(
        default=False, description="The first-start guide (microphone, scoring, warm-up) was shown."
    )
    llm: LlmSettings = LlmSettings()
    transcription: TranscriptionSettings = TranscriptionSettings()
    audio: AudioSettings = AudioSettings()
    practice: PracticeSettings = PracticeSettings()

    def data_paths(self) -> paths.DataPaths:
        root = Path(self.data_dir).expanduser() if self.data_dir else paths.default_data_dir()
        return paths.DataPaths(root)


_ENV_PREFIX = "TPM_COACH_"
_SECTIONS = ("llm", "transcription", "audio", "practice")


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    overrides: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(_ENV_PREFIX):
            continue
        rest = name[len(_ENV_PREFIX) :].lower()
        for section in _SECTIONS:
            if rest.startswith(section + "_"):
                overrides.setdefault(section, {})[rest[len(section) + 1 :]] = value
    if environ.get("OPENAI_BASE_URL"):
        llm = overrides.setdefault("llm", {})
        llm.setdefault("base_url", environ["OPENAI_BASE_URL"])
        llm.setdefault("provider", LlmProvider.CUSTOM.value)
    return overrides


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the TOML file (missing is fine) and apply environment overrides."""
    path = path or paths.config_file()
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})", "fix or delete the file") from exc
    for section, values in _env_overrides(env).items():
        data.setdefault(section, {}).update(values)
    if env.get("TPM_COACH_DATA_DIR"):
        data["data_dir"] = env["TPM_COACH_DATA_DIR"]
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"{path}: {problems}", "fix the setting or the TPM_COACH_* variable") from exc


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically. Secrets are not settings, so none can end up here."""
    path = path or paths.config_file()
    data = settings.model_dump(mode="json", exclude_none=True)
    atomic_write_bytes(path, tomli_w.dumps(data).encode("utf-8"))
