"""What each speech model costs on this computer, as ratios to the app's budgets (1.0 or less fits).

Runs the app's own measurement (tpm_coach/transcription/trial.py: a child process per model) on the sample
answer shipped under assets/speech, `--runs` times per model, and prints the median and the worst run.
Budgets: Stop -> transcript 1.0 s (DESIGN.md), live transcription at half real time, 500 MB of memory.
The base model is the one scripts/install-speech-models puts in ~/.cache/tpm_coach/speech-models; a model
that is not there is listed as skipped.
Run: nice .venv/bin/python bench/speech_models.py [--runs N] [--models tiny.en base]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tpm_coach.config import TranscriptionSettings
from tpm_coach.transcription.catalogue import get, installed_dir
from tpm_coach.transcription.trial import (
    LIVE_RTF_BUDGET,
    MEMORY_BUDGET_MB,
    STOP_BUDGET_S,
    TrialResult,
    measure_model,
    shipped_sample,
)


def _row(name: str, results: list[TrialResult]) -> str:
    def pair(values: list[float]) -> str:
        return f"{statistics.median(values):5.2f} / {max(values):5.2f}"

    stop = pair([r.projected_stop_s / STOP_BUDGET_S for r in results])
    live = pair([r.projected_live_rtf / LIVE_RTF_BUDGET for r in results])
    memory = pair([r.peak_memory_mb / MEMORY_BUDGET_MB for r in results])
    wers = [r.wer for r in results if r.wer is not None]
    wer = f"{statistics.median(wers):.3f}" if wers else "  -  "
    fits = sum(r.fits for r in results)
    raw = (
        f"stop {statistics.median([r.projected_stop_s for r in results]):.2f} s, "
        f"window {statistics.median([r.window_rtf for r in results]):.3f} s/s, "
        f"tail {statistics.median([r.tail_rtf for r in results]):.3f} s/s, "
        f"load {statistics.median([r.load_s for r in results]):.1f} s, "
        f"{statistics.median([r.peak_memory_mb for r in results]):.0f} MB"
    )
    return f"{name:<9} {stop:>15} {live:>15} {memory:>15} {wer:>6} {fits}/{len(results):<4} {raw}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sample = shipped_sample()
    print(f"{os.cpu_count()} cores; sample: {sample.description}, {sample.seconds:.1f} s; {args.runs} runs per model")
    print("ratio to budget, median / worst run (1.00 = at the budget)")
    print(f"{'model':<9} {'Stop->text':>15} {'live speed':>15} {'memory':>15} {'WER':>6} fits  medians")
    for name in args.models:
        model = get(name)
        if not model.bundled and installed_dir(name) is None:
            print(f"{name:<9} skipped: not downloaded (scripts/install-speech-models or speech-models download)")
            continue
        settings = TranscriptionSettings(model=name)
        results = [measure_model(settings, sample) for _ in range(args.runs)]
        print(_row(name, results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
