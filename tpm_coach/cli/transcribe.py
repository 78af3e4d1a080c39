"""`tpm-coach transcribe FILE`: transcribe an audio file with the configured engine and show delivery metrics."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tpm_coach.audio.loader import load_audio
from tpm_coach.cli.common import print_download_progress
from tpm_coach.config import load_settings
from tpm_coach.language import compute_delivery_metrics
from tpm_coach.transcription import create_engine
from tpm_coach.transcription.engine import SAMPLE_RATE
from tpm_coach.transcription.incremental import transcribe_recording


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "transcribe",
        help="transcribe an audio file (WAV, FLAC, MP3, M4A, OGG)",
        description="Transcribe an audio file with the transcription engine from the settings and print the "
        "text, or with --json the words with timings and the delivery metrics. Exit 2 for a file that is "
        "missing, empty, damaged or implausible.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the audio file")
    p.add_argument(
        "--model", metavar="M", help="Whisper model: tiny.en (built in), a name such as base.en, or a model folder"
    )
    p.add_argument("--json", action="store_true", help="print text, words and metrics as JSON")
    p.set_defaults(handler=_transcribe)


def _transcribe(args: argparse.Namespace) -> int:
    audio = load_audio(args.file)  # before loading any model: a bad file fails fast
    everything = load_settings()
    settings = everything.transcription
    if args.model:
        settings = settings.model_copy(update={"model": args.model})
    engine = create_engine(
        settings, progress=print_download_progress, allowed_plain_http_hosts=everything.llm.allow_plain_http_hosts
    )
    transcript = transcribe_recording(engine, audio)
    metrics = compute_delivery_metrics(transcript, duration_s=len(audio) / SAMPLE_RATE)
    if args.json:
        payload = {
            "text": transcript.text,
            "words": [{"word": w.word, "start": w.start, "end": w.end} for w in transcript.words],
            "metrics": metrics.model_dump(mode="json"),
            "engine": transcript.engine,
            "model": transcript.model,
            "duration_s": round(len(audio) / SAMPLE_RATE, 3),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(transcript.text)
    return 0
