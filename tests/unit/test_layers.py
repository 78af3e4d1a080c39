"""Every top-level module of the app has a place in the layers contract, so a new package is guarded from its first
commit instead of being left out of the import rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tpm_coach

ROOT = Path(__file__).resolve().parents[2]


def _layered_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    return {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}


def _top_level_modules() -> set[str]:
    package = Path(tpm_coach.__file__).parent
    found = {f"tpm_coach.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    found |= {f"tpm_coach.{p.parent.name}" for p in package.glob("*/__init__.py")}
    return found


def test_every_top_level_module_has_a_layer() -> None:
    missing = _top_level_modules() - _layered_modules()
    assert not missing, f"add these to the layers contract in pyproject.toml: {sorted(missing)}"


def test_the_layers_name_only_modules_that_exist() -> None:
    stale = _layered_modules() - _top_level_modules()
    assert not stale, f"the layers contract names modules that are gone: {sorted(stale)}"
