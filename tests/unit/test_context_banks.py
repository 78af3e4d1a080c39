"""Reading the bank library pauses the cyclic garbage collector: a large bank is a burst of objects that the
collector would otherwise scan over and over while the read holds every other thread back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.banks import large_bank_yaml
from tpm_coach.config import load_settings, save_settings
from tpm_coach.context import AppContext, cyclic_gc_paused


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection the collector starts while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(int(info["generation"]))

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def test_a_large_bank_is_read_without_collections(collections: list[int]) -> None:
    settings = load_settings()
    settings.active_banks = ["default", "big"]
    save_settings(settings)
    context = AppContext()
    (context.data_paths.banks / "big.yaml").write_text(large_bank_yaml("big", 3_000), encoding="utf-8")
    assert gc.isenabled()
    collections.clear()
    library = context.banks
    # Read with the collector on, this bank sets off some 270 collections; what the code around the read
    # allocates before the pause begins may still set off a young one.
    assert len(collections) <= 1, collections
    assert len(library.get("big").bank.questions) == 3_000
    assert gc.isenabled()
    context.close()


def test_the_pause_ends_with_the_block_and_leaves_a_collector_that_was_off_off() -> None:
    assert gc.isenabled()
    seen: list[bool] = []

    def failing_read() -> None:
        with cyclic_gc_paused():
            seen.append(gc.isenabled())
            raise RuntimeError("the read failed")

    with pytest.raises(RuntimeError):
        failing_read()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
