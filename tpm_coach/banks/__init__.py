"""Question banks: loading with precise error messages, the active library, atomic saving and export."""

from tpm_coach.banks.library import DEFAULT_BANK_ID, BankLibrary, LoadedBank, bank_files
from tpm_coach.banks.loader import consistency_problems, load_bank
from tpm_coach.banks.store import (
    bank_to_data,
    bank_to_source,
    banks_to_export,
    dump_json,
    dump_yaml,
    encode_bank,
    save_bank,
)

__all__ = [
    "DEFAULT_BANK_ID",
    "BankLibrary",
    "LoadedBank",
    "bank_files",
    "bank_to_data",
    "bank_to_source",
    "banks_to_export",
    "consistency_problems",
    "dump_json",
    "dump_yaml",
    "encode_bank",
    "load_bank",
    "save_bank",
]
