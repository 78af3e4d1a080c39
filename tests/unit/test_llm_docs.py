"""README's "Scoring with an LLM" stays true to the code: its config example loads, its provider names are the
accepted ones, and every default port the detector asks is one the README names."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO_ROOT
from tpm_coach.config import LlmProvider, load_settings
from tpm_coach.scoring.detect import DEFAULT_CANDIDATES


def section() -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Scoring with an LLM")
    return text[start : text.index("\n## ", start + 1)]


def test_the_config_example_loads(tmp_path: Path) -> None:
    example = re.search(r"```toml\n(.*?)```", section(), re.DOTALL)
    assert example is not None
    path = tmp_path / "config.toml"
    path.write_text(example.group(1), encoding="utf-8")
    settings = load_settings(path, environ={})
    assert settings.llm.provider is LlmProvider.OLLAMA
    assert settings.llm_choice_made


def test_the_accepted_provider_names_are_listed() -> None:
    listed = re.search(r"accepted provider names are (.*?) \(", section(), re.DOTALL)
    assert listed is not None
    assert set(re.findall(r"`([a-z]+)`", listed.group(1))) == {p.value for p in LlmProvider}


def test_every_port_the_detector_asks_is_documented() -> None:
    text = section()
    assert "tpm-coach llm detect" in text
    for candidate in DEFAULT_CANDIDATES:
        assert f"localhost:{candidate.port}/v1" in text
