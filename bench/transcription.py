"""Time from Stop to the full transcript: incremental transcription vs transcribing the whole file after Stop.

For a 60 s and a 180 s spoken answer (espeak-ng reading TPM answers, with person-like pauses), audio
is fed in 100 ms blocks at the pace of a real recording (or `--fast N` times faster); Stop comes
the moment speech ends. Both approaches run in the same process with the same loaded model.
Prints latency (and its ratio to the 1.0 s budget), word error rate, real-time factor and peak RSS.

    .venv/bin/python bench/transcription.py [--fast 1] [--threads 2] [--lengths 60 180] [--seeds 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.speech import espeak_answer, have_espeak
from tpm_coach.config import TranscriptionSettings
from tpm_coach.language.wer import word_errors
from tpm_coach.transcription import create_engine
from tpm_coach.transcription.engine import SAMPLE_RATE, FloatArray, TranscriptionEngine
from tpm_coach.transcription.incremental import IncrementalTranscriber
from tpm_coach.transcription.pauses import SileroSpeechDetector

BUDGET_S = 1.0
BLOCK_S = 0.1


@dataclass
class Run:
    target_s: int
    answer_s: float
    seed: int
    inc_latency: float
    whole_latency: float
    inc_wer: float
    whole_wer: float
    inc_busy_s: float
    whole_busy_s: float
    tail_audio_s: float
    finish_wait_s: float
    inc_rss_mb: float
    whole_rss_mb: float


class PeakRss:
    """Samples this process's resident memory every 10 ms while active; `peak_mb` is the highest seen."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 1e6
        while True:
            with open("/proc/self/statm") as statm:
                self.peak_mb = max(self.peak_mb, int(statm.read().split()[1]) * page_mb)
            if self._stop.wait(0.01):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def end_at_last_word(audio: FloatArray) -> FloatArray:
    """Cut trailing silence: Stop is pressed the moment the candidate stops speaking."""
    regions = SileroSpeechDetector(min_silence_s=0.3).speech_regions(audio)
    end = regions[-1][1] + round(0.1 * SAMPLE_RATE) if regions else len(audio)
    return audio[: min(len(audio), end)]


def run_incremental(
    engine: TranscriptionEngine, audio: FloatArray, speed: float
) -> tuple[str, float, float, float, float]:
    transcriber = IncrementalTranscriber(engine)
    block = round(BLOCK_S * SAMPLE_RATE)
    started = time.perf_counter()
    for index, offset in enumerate(range(0, len(audio), block)):
        # Blocks arrive when a real recording would deliver them (the recorder's writer thread does this).
        due = started + (index + 1) * BLOCK_S / speed
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        transcriber.feed(audio[offset : offset + block])
    stop = time.perf_counter()
    transcript = transcriber.finish()
    latency = time.perf_counter() - stop
    stats = transcriber.stats
    return transcript.text, latency, stats.transcribe_s, stats.tail_audio_s, stats.finish_wait_s


def run_whole(engine: TranscriptionEngine, audio: FloatArray) -> tuple[str, float]:
    stop = time.perf_counter()
    transcript = engine.transcribe(audio)
    return transcript.text, time.perf_counter() - stop


def bench(args: argparse.Namespace) -> list[Run]:
    engine = create_engine(TranscriptionSettings(model=args.model, threads=args.threads))
    engine.prepare()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tpm-bench-") as folder:
        warm, _ = espeak_answer(Path(folder), 5, seed=99)
        engine.transcribe(warm)  # first decode allocates buffers; not part of any measurement
        for seconds in args.lengths:
            for seed in range(args.seeds):
                audio, reference = espeak_answer(Path(folder), seconds, seed=seed)
                audio = end_at_last_word(audio)
                with PeakRss() as inc_rss:
                    inc_text, inc_latency, inc_busy, tail, wait = run_incremental(engine, audio, args.fast)
                with PeakRss() as whole_rss:
                    whole_text, whole_latency = run_whole(engine, audio)
                runs.append(
                    Run(
                        target_s=seconds,
                        answer_s=len(audio) / SAMPLE_RATE,
                        seed=seed,
                        inc_latency=inc_latency,
                        whole_latency=whole_latency,
                        inc_wer=word_errors(reference, inc_text).rate,
                        whole_wer=word_errors(reference, whole_text).rate,
                        inc_busy_s=inc_busy,
                        whole_busy_s=whole_latency,
                        tail_audio_s=tail,
                        finish_wait_s=wait,
                        inc_rss_mb=inc_rss.peak_mb,
                        whole_rss_mb=whole_rss.peak_mb,
                    )
                )
                print(f"  done: {seconds} s answer, seed {seed}", file=sys.stderr, flush=True)
    return runs


def print_table(runs: list[Run], args: argparse.Namespace) -> None:
    print(
        f"\ntranscription after Stop — model {args.model} int8, {args.threads} threads, "
        f"{os.cpu_count()} CPUs, feed speed x{args.fast:g}, {args.seeds} run(s) per length\n"
    )
    header = (
        f"{'answer':>8} {'mode':<12} {'latency s':>10} {'/ budget':>9} {'WER':>7} {'RTF':>7} "
        f"{'tail audio s':>13} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for seconds in args.lengths:
        group = [r for r in runs if r.target_s == seconds]
        if not group:
            continue
        duration = statistics.mean(r.answer_s for r in group)
        inc_lat = max(r.inc_latency for r in group)
        whole_lat = max(r.whole_latency for r in group)
        inc_wer = statistics.mean(r.inc_wer for r in group)
        whole_wer = statistics.mean(r.whole_wer for r in group)
        inc_rtf = statistics.mean(r.inc_busy_s / r.answer_s for r in group)
        whole_rtf = statistics.mean(r.whole_busy_s / r.answer_s for r in group)
        tail = max(r.tail_audio_s for r in group)
        inc_rss = max(r.inc_rss_mb for r in group)
        whole_rss = max(r.whole_rss_mb for r in group)
        label = f"{duration:.0f} s"
        print(
            f"{label:>8} {'incremental':<12} {inc_lat:>10.2f} {inc_lat / BUDGET_S:>9.2f} {inc_wer:>7.3f} "
            f"{inc_rtf:>7.3f} {tail:>13.1f} {inc_rss:>12.0f}"
        )
        print(
            f"{label:>8} {'whole file':<12} {whole_lat:>10.2f} {whole_lat / BUDGET_S:>9.2f} {whole_wer:>7.3f} "
            f"{whole_rtf:>7.3f} {'-':>13} {whole_rss:>12.0f}"
        )
        wer_ratio = inc_wer / whole_wer if whole_wer else float("nan")
        print(
            f"{label:>8} {'ratio i/w':<12} {inc_lat / whole_lat:>10.3f} {'':>9} {wer_ratio:>7.3f} "
            f"{inc_rtf / whole_rtf:>7.2f} {'':>13} {inc_rss / whole_rss:>12.2f}"
        )
    print(
        "\nlatency: worst run, from Stop to the full transcript; WER, RTF: mean over runs;"
        " RTF = engine time / audio time (incremental: all chunk runs while speaking);"
        " peak RSS: whole process (model included) while that mode ran; tail audio: audio transcribed after Stop."
    )
    print(
        "budget: 1.0 s after Stop for a 180 s answer; WER goal: incremental within 10% of whole file (ratio <= 1.10)."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", type=float, default=1.0, help="feed audio N times faster than real time")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--lengths", type=int, nargs="+", default=[60, 180])
    parser.add_argument("--seeds", type=int, default=1, help="different answers per length")
    args = parser.parse_args()
    if not have_espeak():
        print("espeak-ng is needed (Debian: apt install espeak-ng)", file=sys.stderr)
        return 2
    np.seterr(all="ignore")
    threading.current_thread().name = "bench"
    runs = bench(args)
    print_table(runs, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
