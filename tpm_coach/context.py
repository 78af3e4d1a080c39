"""Builds the app's services once from the settings; the CLI and the GUI both take them from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from tpm_coach.banks import BankLibrary
from tpm_coach.banks.preload import BankPreload
from tpm_coach.config import Settings, load_settings
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository


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
        return BankPreload(lambda: BankLibrary(self.data_paths.banks, self.settings.active_banks))

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
