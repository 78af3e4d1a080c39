"""Builds the app's services once from the settings; the CLI and the GUI both take them from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from tpm_coach.banks import BankLibrary
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
    def banks(self) -> BankLibrary:
        return BankLibrary(self.data_paths.banks, self.settings.active_banks)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.close()
