"""Builds the app's services once from the settings; the CLI and the GUI both take them from here."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from tpm_coach.banks import BankLibrary
from tpm_coach.banks.preload import BankPreload
from tpm_coach.config import Settings, load_settings
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection in the process while the block runs (unless it was already off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class AppContext:
    settings: Settings = field(default_factory=load_settings)

    @cached_property
    def data_paths(self) -> DataPaths:
        return self.settings.data_paths().ensure()

    @cached_property
    def database(self) -> Database:
        return Database.open(self.data_paths.database)

    @cached_property
    def sessions(self) -> SessionRepository:
        return SessionRepository(self.database)

    @cached_property
    def attempts(self) -> AttemptRepository:
        return AttemptRepository(self.database)

    @cached_property
    def bank_preload(self) -> BankPreload:
        return BankPreload(self._read_banks)

    def _read_banks(self) -> BankLibrary:
        # A large bank makes hundreds of thousands of objects in one go, and the cyclic collector would scan
        # them again and again as they pile up, holding every other thread back while it does (measured with
        # 15,000 questions: 1.3 s instead of 5 s, and the window's thread held up 80 ms at most instead of
        # 0.6 s). The read makes no cyclic garbage worth collecting sooner.
        with cyclic_gc_paused():
            return BankLibrary(self.data_paths.banks, self.settings.active_banks)

    def load_banks_in_background(self) -> BankPreload:
        """Start reading the banks on a worker thread (a large bank takes seconds); `banks` then waits for it.

        Callers that must not wait register `bank_preload.when_ready(...)` and read `banks` once it fired.
        """
        self.bank_preload.start()
        return self.bank_preload

    @property
    def banks(self) -> BankLibrary:
        """The bank library, read in the calling thread unless `load_banks_in_background` started it."""
        return self.bank_preload.library()

    def close(self) -> None:
        if "bank_preload" in self.__dict__:
            self.bank_preload.join()
        if "database" in self.__dict__:
            self.database.close()
