"""The banks can be read on a worker thread, so the window does not wait for a large bank: whoever
needs them either hears when they are ready or waits for that same read, and a failed read is reported."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from tests.support.banks import large_bank_yaml
from tpm_coach.banks import BankLibrary
from tpm_coach.banks.preload import BankPreload
from tpm_coach.config import load_settings, save_settings
from tpm_coach.context import AppContext
from tpm_coach.errors import BankError


class Heard:
    """What a `when_ready` callback got, and on which thread."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.thread = ""
        self.future: Future[BankLibrary] | None = None

    def __call__(self, future: Future[BankLibrary]) -> None:
        self.thread = threading.current_thread().name
        self.future = future
        self.event.set()


def test_a_large_active_bank_is_read_on_a_worker_and_announced(tmp_path: Path) -> None:
    settings = load_settings()
    settings.active_banks = ["default", "big"]
    save_settings(settings)
    context = AppContext()
    (context.data_paths.banks / "big.yaml").write_text(large_bank_yaml("big", 15_000))
    gate = threading.Event()

    def gated() -> BankLibrary:
        gate.wait()  # holds the read until the test has seen that nothing waited for it
        return BankLibrary(context.data_paths.banks, context.settings.active_banks)

    context.bank_preload = BankPreload(gated)
    heard = Heard()
    preload = context.load_banks_in_background()
    preload.when_ready(heard)
    assert not preload.ready
    gate.set()
    assert heard.event.wait(timeout=120)
    assert heard.thread == "bank-preload"
    assert heard.future is not None
    library = heard.future.result()
    assert context.banks is library
    assert len(library.get("big").bank.questions) == 15_000
    context.close()


def test_banks_asked_for_while_the_worker_reads_wait_for_that_same_read(tmp_path: Path) -> None:
    builds: list[str] = []
    started, gate = threading.Event(), threading.Event()

    def build() -> BankLibrary:
        builds.append(threading.current_thread().name)
        started.set()
        gate.wait()
        return BankLibrary(tmp_path / "banks")

    preload = BankPreload(build)
    preload.start()
    assert started.wait(timeout=30)
    waited: list[BankLibrary] = []
    waiter = threading.Thread(target=lambda: waited.append(preload.library()))
    waiter.start()
    gate.set()
    waiter.join(timeout=60)
    assert waited == [preload.library()]
    assert builds == ["bank-preload"]
    preload.start()
    preload.join()
    assert builds == ["bank-preload"]


def test_without_a_worker_the_banks_are_read_by_whoever_asks(tmp_path: Path) -> None:
    context = AppContext()
    library = context.banks
    assert context.banks is library
    assert context.bank_preload.ready
    assert not any(t.name == "bank-preload" for t in threading.enumerate())
    heard = Heard()
    context.bank_preload.when_ready(heard)
    assert heard.thread == threading.current_thread().name, "a late listener hears at once"
    context.close()


def test_a_failed_read_is_announced_and_raised(tmp_path: Path) -> None:
    broken = tmp_path / "default.yaml"
    broken.write_text("id: default\nname: [unclosed\n")
    preload = BankPreload(lambda: BankLibrary(tmp_path / "banks", default_path=broken))
    heard = Heard()
    preload.when_ready(heard)
    preload.start()
    assert heard.event.wait(timeout=30)
    assert heard.future is not None
    assert isinstance(heard.future.exception(), BankError)
    with pytest.raises(BankError):
        preload.library()
    preload.join()
