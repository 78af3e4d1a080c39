"""Incremental transcription against transcribing the whole file after Stop: accuracy, Stop latency, live lag.

Answers: espeak-ng reading TPM answers of about 60 and 180 s (one per seed, person-like pauses) and real
speech (the LibriVox clips strung together, each seed its own order and pauses). Audio is fed in 100 ms
blocks at the pace of a real recording (or `--fast N` times faster); Stop comes the moment speech ends.
Both modes run in the same process with the same loaded model. Per answer it prints the word error
rate of each mode and their ratio, Stop -> transcript, and the live-text lag (from a word's end in the
audio to the first update that holds it); per group the mean and worst ratio, RTF and peak RSS.

    .venv/bin/python bench/transcription.py [--fast 1] [--seeds 5] [--lengths 60 180] [--librivox 5]
        [--model tiny.en|base|FOLDER]  (base: installed by scripts/install-speech-models; decoded with its
                                       catalogue beam, as in the app; a FOLDER only with --beam-size)
        [--beam-size N]
        [--shifts 0.1 0.2]         (each answer again, started later: how much one decode's ratio is chance)
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.speech import espeak_answer, have_espeak, have_librivox, librivox_story
from tpm_coach.config import TranscriptionSettings
from tpm_coach.domain.attempt import Transcript
from tpm_coach.language.wer import WordErrors, word_errors
from tpm_coach.transcription import create_engine
from tpm_coach.transcription.engine import SAMPLE_RATE, FloatArray, TranscriptionEngine
from tpm_coach.transcription.incremental import ChunkPolicy, IncrementalStats, IncrementalTranscriber
from tpm_coach.transcription.pauses import SileroSpeechDetector
from tpm_coach.transcription.speech_process import ProcessEngine

BUDGET_S = 1.0
LAG_BUDGET_S = 2.0
BLOCK_S = 0.1
RATIO_MEAN_GOAL = 1.10
RATIO_WORST_GOAL = 1.25


@dataclass
class Run:
    group: str
    seed: int
    answer_s: float
    inc: WordErrors
    whole: WordErrors
    inc_latency: float
    whole_latency: float
    inc_busy_s: float
    inc_wait_s: float  # of Stop -> transcript: waiting for a decode already running when Stop came
    tail_audio_s: float = 0.0  # audio decoded after Stop
    tail_draft: bool = False  # ... as a draft: its full decode did not fit the time left
    lags: list[float] = field(default_factory=list)
    inc_rss_mb: float = 0.0
    whole_rss_mb: float = 0.0
    # The same answer started a little later (--shifts): both modes again, for accuracy only.
    inc_shifted: list[WordErrors] = field(default_factory=list)
    whole_shifted: list[WordErrors] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Incremental WER over whole-file WER (both against the same reference words)."""
        return error_ratio(self.inc.errors, self.whole.errors)

    @property
    def shifted_ratio(self) -> float:
        """The ratio of the two modes' error counts summed over the answer and its shifted starts: one decode of
        one answer rests on a handful of words, which a start 0.1 s later changes (see --shifts)."""
        inc = self.inc.errors + sum(e.errors for e in self.inc_shifted)
        return error_ratio(inc, self.whole.errors + sum(e.errors for e in self.whole_shifted))

    @property
    def whole_spread(self) -> float:
        """The whole file's own swing: its highest WER over the shifted starts against its lowest."""
        rates = [self.whole.rate, *(e.rate for e in self.whole_shifted)]
        return max(rates) / min(rates) if min(rates) else math.inf


def error_ratio(inc_errors: int, whole_errors: int) -> float:
    """1.0 when both are exact, infinite when only the whole file is."""
    if whole_errors == 0:
        return 1.0 if inc_errors == 0 else math.inf
    return inc_errors / whole_errors


class PeakRss:
    """Samples a process's resident memory every 10 ms while active (this one, or `pid`, e.g. the speech
    process that holds the model); `peak_mb` is the highest seen."""

    def __init__(self, pid: int | None = None) -> None:
        self.peak_mb = 0.0
        self._statm = f"/proc/{pid}/statm" if pid else "/proc/self/statm"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 1e6
        while True:
            with open(self._statm) as statm:
                self.peak_mb = max(self.peak_mb, int(statm.read().split()[1]) * page_mb)
            if self._stop.wait(0.01):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class LiveText:
    """Records when each update arrived and how far into the audio its words reach."""

    def __init__(self) -> None:
        self.updates: list[tuple[float, float]] = []  # (wall time, end of the last word in audio seconds)

    def __call__(self, transcript: Transcript) -> None:
        reach = max((w.end for w in transcript.words), default=0.0)
        self.updates.append((time.perf_counter(), reach))

    def lags(self, final: Transcript, started: float, speed: float, finished: float) -> list[float]:
        """Per final word: wall seconds from its end being spoken to the first update reaching it (or Stop's)."""
        out = []
        for word in final.words:
            spoken = started + word.end / speed
            shown = next((t for t, reach in self.updates if reach >= word.end - 0.05), finished)
            out.append(max(0.0, shown - spoken))
        return out


def end_at_last_word(audio: FloatArray) -> FloatArray:
    """Cut trailing silence: Stop is pressed the moment the candidate stops speaking."""
    regions = SileroSpeechDetector(min_silence_s=0.3).speech_regions(audio)
    end = regions[-1][1] + round(0.1 * SAMPLE_RATE) if regions else len(audio)
    return audio[: min(len(audio), end)]


def run_incremental(
    engine: TranscriptionEngine, audio: FloatArray, speed: float, policy: ChunkPolicy
) -> tuple[Transcript, float, IncrementalStats, list[float]]:
    live = LiveText()
    transcriber = IncrementalTranscriber(engine, on_update=live, policy=policy)
    block = round(BLOCK_S * SAMPLE_RATE)
    started = time.perf_counter()
    for index, offset in enumerate(range(0, len(audio), block)):
        if speed > 0:
            # Blocks arrive when a real recording would deliver them (the recorder's writer thread does this).
            delay = started + (index + 1) * BLOCK_S / speed - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        transcriber.feed(audio[offset : offset + block])
        if speed == 0:
            transcriber.wait_idle()  # lockstep: the same chunks whatever else the machine is doing
    stop = time.perf_counter()
    transcript = transcriber.finish()
    finished = time.perf_counter()
    lags = live.lags(transcript, started, speed, finished) if speed > 0 else []
    return transcript, finished - stop, transcriber.stats, lags


def run_whole(engine: TranscriptionEngine, audio: FloatArray) -> tuple[str, float]:
    stop = time.perf_counter()
    transcript = engine.transcribe(audio)
    return transcript.text, time.perf_counter() - stop


def answers(args: argparse.Namespace, folder: Path) -> list[tuple[str, int, FloatArray, str]]:
    found = []
    for seconds in args.lengths:
        for seed in range(args.seeds):
            audio, reference = espeak_answer(folder, seconds, seed=seed)
            found.append((f"{seconds} s espeak", seed, audio, reference))
    if args.librivox and have_librivox():
        for seed in range(args.librivox):
            audio, reference = librivox_story(seed)
            found.append(("LibriVox", seed, audio, reference))
    return found


def speech_engine(args: argparse.Namespace, warm: FloatArray) -> tuple[TranscriptionEngine, int | None]:
    """The model in this process, or (--speech-process) in a fresh child process as the app runs it."""
    settings = TranscriptionSettings(model=args.model, threads=args.threads, beam_size=args.beam_size)
    engine: TranscriptionEngine = ProcessEngine(settings) if args.speech_process else create_engine(settings)
    engine.prepare()
    engine.transcribe(warm)  # first decode allocates buffers; not part of any measurement
    return engine, engine.pid if isinstance(engine, ProcessEngine) else None


def bench(args: argparse.Namespace) -> list[Run]:
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tpm-bench-") as folder:
        warm, _ = espeak_answer(Path(folder), 5, seed=99)
        engine, pid = speech_engine(args, warm)
        for group, seed, raw, reference in answers(args, Path(folder)):
            audio = end_at_last_word(raw)
            if isinstance(engine, ProcessEngine):
                engine.close()
                engine, pid = speech_engine(args, warm)  # each answer's memory measured from a fresh start
            with PeakRss(pid) as inc_rss:
                transcript, inc_latency, stats, lags = run_incremental(engine, audio, args.fast, args.policy)
            with PeakRss(pid) as whole_rss:
                whole_text, whole_latency = run_whole(engine, audio)
            run = Run(
                group=group,
                seed=seed,
                answer_s=len(audio) / SAMPLE_RATE,
                inc=word_errors(reference, transcript.text),
                whole=word_errors(reference, whole_text),
                inc_latency=inc_latency,
                whole_latency=whole_latency,
                inc_busy_s=stats.transcribe_s,
                inc_wait_s=stats.finish_wait_s,
                tail_audio_s=stats.tail_audio_s,
                tail_draft=stats.tail_draft,
                lags=lags,
                inc_rss_mb=inc_rss.peak_mb,
                whole_rss_mb=whole_rss.peak_mb,
            )
            for shift_s in args.shifts:
                # As if the candidate had pressed Record a moment earlier: the same speech, other cut points.
                shifted = np.concatenate([np.zeros(round(shift_s * SAMPLE_RATE), dtype=audio.dtype), audio])
                inc_text = run_incremental(engine, shifted, args.fast, args.policy)[0].text
                run.inc_shifted.append(word_errors(reference, inc_text))
                run.whole_shifted.append(word_errors(reference, run_whole(engine, shifted)[0]))
            runs.append(run)
            print(
                f"  {group} seed {seed}: WER {run.inc.rate:.3f} / {run.whole.rate:.3f} = {run.ratio:.2f}",
                file=sys.stderr,
                flush=True,
            )
    return runs


def print_tables(runs: list[Run], args: argparse.Namespace) -> None:
    print(
        f"\nincremental vs whole file — model {args.model} int8, {args.threads} threads, {os.cpu_count()} CPUs, "
        f"feed speed x{args.fast:g}\n{args.policy}\n"
    )
    header = (
        f"{'answer':<14}{'seed':>5}{'audio s':>9}{'WER inc':>9}{'WER whole':>10}{'ratio':>7}"
        f"{'Stop s':>8}{'wait s':>8}{'tail s':>8}{'whole s':>8}{'lag p50 s':>10}{'lag p90 s':>10}"
        + (f"{'ratio, shifts':>14}{'whole swing':>12}" if args.shifts else "")
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        lags = sorted(run.lags) or [math.nan]
        print(
            f"{run.group:<14}{run.seed:>5}{run.answer_s:>9.1f}{run.inc.rate:>9.3f}{run.whole.rate:>10.3f}"
            f"{run.ratio:>7.2f}{run.inc_latency:>8.2f}{run.inc_wait_s:>8.2f}"
            f"{('d ' if run.tail_draft else '') + f'{run.tail_audio_s:.1f}':>8}{run.whole_latency:>8.2f}"
            f"{statistics.median(lags):>10.2f}{lags[int(0.9 * (len(lags) - 1))]:>10.2f}"
            + (f"{run.shifted_ratio:>14.2f}{run.whole_spread:>12.2f}" if args.shifts else "")
        )
    print()
    header = (
        f"{'answer':<14}{'runs':>5}{'ratio mean':>11}{'worst':>7}{'pooled':>8}{'Stop worst':>11}{'/ budget':>9}"
        f"{'lag p50':>8}{'/ 2 s':>7}{'RTF':>7}{'RSS inc':>8}{'RSS whole':>10}"
        + (f"{'shifts: mean':>13}{'worst':>7}" if args.shifts else "")
    )
    print(header)
    print("-" * len(header))
    for group in dict.fromkeys(r.group for r in runs):
        chosen = [r for r in runs if r.group == group]
        ratios = [r.ratio for r in chosen]
        inc = sum((r.inc for r in chosen), WordErrors(0, 0, 0, 0))
        whole = sum((r.whole for r in chosen), WordErrors(0, 0, 0, 0))
        pooled = inc.rate / whole.rate if whole.rate else math.nan
        stop = max(r.inc_latency for r in chosen)
        lag = statistics.median([lag for r in chosen for lag in r.lags] or [math.nan])
        rtf = sum(r.inc_busy_s for r in chosen) / sum(r.answer_s for r in chosen)
        print(
            f"{group:<14}{len(chosen):>5}{statistics.mean(ratios):>11.2f}{max(ratios):>7.2f}{pooled:>8.2f}"
            f"{stop:>11.2f}{stop / BUDGET_S:>9.2f}{lag:>8.2f}{lag / LAG_BUDGET_S:>7.2f}{rtf:>7.3f}"
            f"{max(r.inc_rss_mb for r in chosen):>8.0f}{max(r.whole_rss_mb for r in chosen):>10.0f}"
            + (
                f"{statistics.mean(r.shifted_ratio for r in chosen):>13.2f}{max(r.shifted_ratio for r in chosen):>7.2f}"
                if args.shifts
                else ""
            )
        )
    print(
        "\nratio: incremental WER / whole-file WER of the same answer (goals: mean <= "
        f"{RATIO_MEAN_GOAL}, worst <= {RATIO_WORST_GOAL}); pooled: all errors of the group over all its words;"
        f"\nStop: Stop -> full transcript (budget {BUDGET_S:.1f} s), wait: the part of it spent on a decode already"
        " running; tail: audio decoded after Stop (d: as a draft, its full decode being over the time left);"
        "\nlag: from a word's end in the audio to the first"
        f" live update holding it, wall seconds (goal: median < {LAG_BUDGET_S:.0f} s while recording at x1);"
        "\nRTF: engine time while speaking / audio time; RSS: peak MB while that mode ran, of the whole bench process,"
        "\nor with --speech-process of the child process holding the model (as in the app; fresh for each answer)."
    )
    if args.shifts:
        print(
            f"ratio, shifts: both modes' errors summed over the answer as recorded and started {args.shifts} s later"
            "\n(silence in front), incremental over whole; whole swing: the whole file's highest WER over those"
            " starts against its lowest."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--fast",
        type=float,
        default=1.0,
        help="feed audio N times faster than real time; 0: each block once the worker is idle (accuracy only)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default="tiny.en", help="a model name or a CTranslate2 model folder")
    parser.add_argument(
        "--beam-size",
        type=int,
        default=TranscriptionSettings().beam_size,
        help="the setting: a catalogue model decodes with at least its own beam (base: 5)",
    )
    parser.add_argument("--lengths", type=int, nargs="*", default=[60, 180])
    parser.add_argument("--seeds", type=int, default=5, help="espeak answers per length")
    parser.add_argument("--librivox", type=int, default=5, help="real-speech answers (LibriVox clips strung together)")
    parser.add_argument(
        "--speech-process",
        action="store_true",
        help="run the model in a child process as the app does; RSS is then that process's (the model's)",
    )
    parser.add_argument(
        "--shifts",
        type=float,
        nargs="*",
        default=[],
        metavar="SECONDS",
        help="run each answer again with this much silence in front, for both modes (accuracy only)",
    )
    parser.add_argument("--policy", nargs="*", default=[], metavar="FIELD=VALUE", help="ChunkPolicy overrides")
    args = parser.parse_args()
    defaults = ChunkPolicy()
    # Each value as its field's type: prompt_words is a count (a float there breaks slicing).
    overrides: dict[str, Any] = {
        k: type(getattr(defaults, k))(float(v)) for k, v in (item.split("=", 1) for item in args.policy)
    }
    args.policy = replace(defaults, **overrides)
    if args.lengths and not have_espeak():
        print("espeak-ng is needed (Debian: apt install espeak-ng)", file=sys.stderr)
        return 2
    np.seterr(all="ignore")
    threading.current_thread().name = "bench"
    runs = bench(args)
    print_tables(runs, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
