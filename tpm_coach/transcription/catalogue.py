"""The speech models the app offers, what each costs to download and how accurate it was here, and where an
installed one lives on this computer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from tpm_coach.errors import TranscriptionError

HUB_OWNER = "Systran"
BUNDLED = "tiny.en"
RECOMMENDED = "base"
MIN_CORES = 2
MIN_MEMORY_BYTES = 4 * 1024**3


@dataclass(frozen=True)
class CatalogueModel:
    """One offered model. `wer_librivox` is the word error rate on the LibriVox clips (whole files, measured
    in this project); None where it was never measured. Accuracy does not depend on the computer.

    `beam_size` is the narrowest beam the model decodes with. Whisper base, decoding greedily in the short
    prompted stretches of a live answer, wrote "they tamary fry data and macutives" for "every Friday to the
    executives"; with a beam of 5 its word error rate there fell from 0.094 to 0.063 (five 60 s answers,
    bench/transcription.py --beam-size), below tiny.en's 0.083, for twice the decoding time. tiny.en gained
    less (0.075) and needs its speed.
    """

    name: str
    size_bytes: int
    size_exact: bool  # False: the hub's listed size, rounded; we never downloaded it here
    multilingual: bool
    wer_librivox: float | None
    bundled: bool = False
    beam_size: int = 5

    @property
    def repo(self) -> str:
        return f"{HUB_OWNER}/faster-whisper-{self.name}"

    @property
    def languages(self) -> str:
        return "99 languages" if self.multilingual else "English only"

    @property
    def size_mb(self) -> int:
        return round(self.size_bytes / 1e6)

    @property
    def accuracy_text(self) -> str:
        if self.wer_librivox is None:
            return "not measured"
        return f"{self.wer_librivox:.1%} of words wrong on read speech"


CATALOGUE: tuple[CatalogueModel, ...] = (
    CatalogueModel("tiny.en", 75_537_502, True, multilingual=False, wer_librivox=0.070, bundled=True, beam_size=1),
    CatalogueModel("base", 145_217_532, True, multilingual=True, wer_librivox=0.014),
    CatalogueModel("base.en", 145_000_000, False, multilingual=False, wer_librivox=None),
    CatalogueModel("small.en", 484_000_000, False, multilingual=False, wer_librivox=None),
)


def find(name: str) -> CatalogueModel | None:
    return next((m for m in CATALOGUE if m.name == name.strip()), None)


def get(name: str) -> CatalogueModel:
    """The catalogue entry for `name`, or a TranscriptionError listing the offered ones."""
    model = find(name)
    if model is None:
        names = ", ".join(m.name for m in CATALOGUE)
        raise TranscriptionError(f"'{name}' is not an offered speech model", f"choose one of: {names}")
    return model


def beam_size(model: str, setting: int) -> int:
    """The beam to decode `model` with: the setting, widened to the catalogue's for an offered model."""
    offered = find(model)
    return max(setting, offered.beam_size) if offered else setting


def speech_models_dir() -> Path:
    """Where downloaded models live: ~/.cache/tpm_coach/speech-models (TPM_COACH_SPEECH_MODELS_DIR overrides)."""
    override = os.environ.get("TPM_COACH_SPEECH_MODELS_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("tpm_coach")) / "speech-models"


def model_dir(name: str, root: Path | None = None) -> Path:
    """The folder of the downloaded model `name` (the name scripts/install-speech-models uses too)."""
    return (root or speech_models_dir()) / f"whisper-{name.replace('/', '--')}"


def is_installed(folder: Path) -> bool:
    """A complete model folder: the downloader renames into place only when every file has arrived."""
    return (folder / "model.bin").is_file() and (folder / "config.json").is_file()


def installed_dir(name: str, root: Path | None = None) -> Path | None:
    folder = model_dir(name, root)
    return folder if is_installed(folder) else None


def memory_bytes() -> int | None:
    """Total memory of this computer, None where it cannot be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def machine_allows(cores: int | None = None, memory: int | None = None) -> tuple[bool, str]:
    """Whether to recommend the larger model here at all (before measuring it), and why not when not."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    memory = memory if memory is not None else memory_bytes()
    if cores < MIN_CORES:
        return False, f"this computer has {cores} core; a larger model needs at least {MIN_CORES}"
    if memory is not None and memory < MIN_MEMORY_BYTES:
        return False, f"this computer has {memory / 1024**3:.1f} GB of memory; a larger model needs 4 GB"
    return True, ""
