"""`tpm-coach speech-models list|download|measure`: the offered speech models, downloading one, and measuring
what it costs on this computer."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tpm_coach.cli.common import print_download_progress
from tpm_coach.config import TranscriptionEngine, load_settings
from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.catalogue import CATALOGUE, RECOMMENDED, CatalogueModel, get, installed_dir, machine_allows


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "speech-models",
        help="list, download and measure the speech models",
        description="The speech models the app offers: their size, languages and accuracy; download one with "
        "progress; measure how fast it transcribes on this computer and whether it fits the app's budgets.",
    )
    commands = p.add_subparsers(dest="speech_models_command", metavar="ACTION", required=True)
    listing = commands.add_parser("list", help="the offered models and which are on this computer")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(handler=_list)
    download = commands.add_parser("download", help="download a model (progress on stderr)")
    download.add_argument("name", metavar="NAME", help="a model name from `speech-models list`")
    download.set_defaults(handler=_download)
    measure = commands.add_parser(
        "measure", help="measure a downloaded model on this computer (your latest long answer, or a sample)"
    )
    measure.add_argument("name", metavar="NAME", help="a model name from `speech-models list`")
    measure.add_argument("--json", action="store_true", help="print the measurement as JSON")
    measure.set_defaults(handler=_measure)


def _entry(model: CatalogueModel, recommended: str | None) -> dict[str, Any]:
    folder = installed_dir(model.name)
    return {
        "name": model.name,
        "size_mb": model.size_mb,
        "size_exact": model.size_exact,
        "languages": model.languages,
        "multilingual": model.multilingual,
        "wer_librivox": model.wer_librivox,
        "accuracy": model.accuracy_text,
        "repo": model.repo,
        "bundled": model.bundled,
        "installed": model.bundled or folder is not None,
        "path": str(folder) if folder else None,
        "recommended": model.name == recommended,
    }


def _list(args: argparse.Namespace) -> int:
    allowed, why_not = machine_allows()
    recommended = RECOMMENDED if allowed else None
    entries = [_entry(m, recommended) for m in CATALOGUE]
    if args.json:
        print(json.dumps({"models": entries, "recommended": recommended, "why_not": why_not or None}, indent=2))
        return 0
    for e in entries:
        where = "built in" if e["bundled"] else ("downloaded" if e["installed"] else "not downloaded")
        size = f"{e['size_mb']} MB" if e["size_exact"] else f"about {e['size_mb']} MB"
        mark = "  (recommended)" if e["recommended"] else ""
        print(f"{e['name']:<9} {size:<13} {e['languages']:<13} {where:<15} accuracy: {e['accuracy']}{mark}")
    if why_not:
        print(f"No larger model is recommended: {why_not}.")
    return 0


def _download(args: argparse.Namespace) -> int:
    from tpm_coach.transcription.download import download_model

    model = get(args.name)
    if model.bundled:
        print(f"{model.name} is built in: nothing to download", file=sys.stderr)
        return 0
    try:
        folder = download_model(model.name, model.repo, progress=print_download_progress)
    finally:
        print(file=sys.stderr)
    print(folder)
    return 0


def _measure(args: argparse.Namespace) -> int:
    from tpm_coach.storage.speech_samples import latest_spoken_recording
    from tpm_coach.transcription.trial import TAIL_S, WINDOW_S, choose_sample, measure_model

    model = get(args.name)
    if not model.bundled and installed_dir(model.name) is None:
        raise TranscriptionError(
            f"the speech model '{model.name}' is not downloaded yet",
            f"run `tpm-coach speech-models download {model.name}` first",
        )
    settings = load_settings()
    transcription = settings.transcription.model_copy(update={"model": model.name, "engine": TranscriptionEngine.LOCAL})
    recording = latest_spoken_recording(settings.data_paths(), WINDOW_S + TAIL_S)
    sample = choose_sample(recording)

    def stage(text: str) -> None:
        if not args.json:
            print(f"{text}…", file=sys.stderr, flush=True)

    result = measure_model(transcription, sample, stage=stage)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    print(result.summary())
    print(f"Measured on {result.sample} ({result.sample_s:.0f} s).")
    if result.wer is not None:
        print(f"Words wrong on that sample: {result.wer:.1%}.")
    return 0
