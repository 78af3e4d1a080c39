"""Measure a speech model on this computer: how fast it transcribes a long window and a short tail, how much
memory it takes, and whether that fits the app's budgets. Runs in a child process so the app stays responsive
and the model's memory can be read on its own."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tpm_coach.config import TranscriptionSettings
from tpm_coach.errors import KnownError, TranscriptionError
from tpm_coach.paths import assets_dir
from tpm_coach.transcription.engine import SAMPLE_RATE
from tpm_coach.transcription.incremental import ChunkPolicy
from tpm_coach.transcription.speech_process import CHILD_NICENESS

WINDOW_S = 28.0  # the longest stretch the incremental path hands the model in one go
TAIL_S = 5.0  # about what is left to transcribe when the candidate presses Stop
TAIL_RUNS = 2  # the best of two: another program's burst on a small machine should not decide the verdict
STOP_BUDGET_S = 1.0  # DESIGN.md: transcript complete within 1.0 s of pressing Stop
# While the candidate speaks, short decodes run for the live text and at pauses: past half real time the live text
# falls behind and the GUI shares what is left.
LIVE_RTF_BUDGET = 0.5
_PAUSE_DECODES_PER_S = 0.1
MEMORY_BUDGET_MB = 500.0  # the peak memory goal for transcribing a long answer
TRIAL_TIMEOUT_S = 900.0

StageCallback = Callable[[str], None]


class TrialCancelled(TranscriptionError):
    """The person stopped the measurement."""


@dataclass(frozen=True)
class Sample:
    """Audio to measure on, 16 kHz mono; `reference` is what was said when we know it (the shipped sample)."""

    audio: Any  # float32 numpy array
    description: str
    reference: str | None = None

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def shipped_sample() -> Sample:
    """A 28.5 s spoken TPM answer shipped with the app (espeak-ng, Opus), with the text it reads."""
    from tpm_coach.audio.loader import load_audio

    folder = assets_dir() / "speech"
    audio = load_audio(folder / "trial_answer.ogg")
    reference = (folder / "trial_answer.txt").read_text(encoding="utf-8").strip()
    return Sample(audio, "the sample answer shipped with the app", reference)


def recording_sample(path: Path) -> Sample:
    from tpm_coach.audio.loader import load_audio

    return Sample(load_audio(path), "your most recent recorded answer")


def choose_sample(recording: Path | None) -> Sample:
    """The candidate's own recording when it is long enough and readable, else the shipped sample."""
    if recording is not None:
        with contextlib.suppress(KnownError):
            sample = recording_sample(recording)
            if sample.seconds >= WINDOW_S + TAIL_S:
                return sample
    return shipped_sample()


@dataclass(frozen=True)
class TrialResult:
    model: str
    sample: str
    sample_s: float
    cores: int
    threads: int
    load_s: float
    window_audio_s: float
    window_s: float
    tail_audio_s: float
    tail_s: float
    peak_memory_mb: float
    wer: float | None
    reasons: list[str] = field(default_factory=list)

    @property
    def window_rtf(self) -> float:
        """Seconds of work per second of audio for the long window."""
        return self.window_s / self.window_audio_s

    @property
    def tail_rtf(self) -> float:
        return self.tail_s / self.tail_audio_s

    @property
    def projected_stop_s(self) -> float:
        return projected_stop_s(self.tail_s)

    @property
    def projected_live_rtf(self) -> float:
        return projected_live_rtf(self.tail_s)

    @property
    def fits(self) -> bool:
        return not self.reasons

    def summary(self) -> str:
        """What it costs on this computer, in one or two plain sentences."""
        speed = (
            f"On this computer {self.model} keeps the live text going with {self.projected_live_rtf:.2f} s of work"
            " per second of speech"
        )
        if self.fits:
            return (
                f"{speed}, the transcript is ready about {self.projected_stop_s:.1f} s after Stop and it takes "
                f"{self.peak_memory_mb:.0f} MB of memory: it fits this computer."
            )
        return (
            f"{speed} and takes {self.peak_memory_mb:.0f} MB of memory, but it does not fit: "
            + "; ".join(self.reasons)
            + ". You may still use it for its accuracy, at that cost."
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            window_rtf=round(self.window_rtf, 3),
            tail_rtf=round(self.tail_rtf, 3),
            projected_stop_s=round(self.projected_stop_s, 3),
            projected_live_rtf=round(self.projected_live_rtf, 3),
            stop_budget_s=STOP_BUDGET_S,
            live_rtf_budget=LIVE_RTF_BUDGET,
            memory_budget_mb=MEMORY_BUDGET_MB,
            fits=self.fits,
            summary=self.summary(),
        )
        return data


def projected_stop_s(tail_s: float) -> float:
    """Stop -> transcript: the tail, after a decode of about its length that may still be running at Stop
    (bench/transcription.py in real time: tiny.en 0.38-0.62 s against a tail of 0.36 s here, base 0.76-1.47 s)."""
    return 2 * tail_s


def projected_live_rtf(tail_s: float) -> float:
    """Work per second of speech while recording: one short decode per `live_every_s` for the live text, and
    about one in ten seconds more at pauses (bench/transcription.py in real time, tiny.en: 0.215 with a decode
    every 2 s, 0.36 every 1 s, against a 0.36 s tail here)."""
    return tail_s * (1 / ChunkPolicy().live_every_s + _PAUSE_DECODES_PER_S)


def judge(numbers: dict[str, Any]) -> list[str]:
    """Why the measured numbers do not fit the budgets (empty when they do)."""
    reasons = []
    stop = projected_stop_s(numbers["tail_s"])
    if stop > STOP_BUDGET_S:
        reasons.append(f"the transcript would take {stop:.1f} s after Stop, over {STOP_BUDGET_S:.1f} s")
    rtf = projected_live_rtf(numbers["tail_s"])
    if rtf > LIVE_RTF_BUDGET:
        reasons.append(f"live transcription needs {rtf:.2f} s per second of speech, over {LIVE_RTF_BUDGET}")
    if numbers["peak_memory_mb"] > MEMORY_BUDGET_MB:
        reasons.append(f"it takes {numbers['peak_memory_mb']:.0f} MB of memory, over {MEMORY_BUDGET_MB:.0f} MB")
    return reasons


def _child(conn: Connection, settings_json: str, window: Any, tail: Any) -> None:
    """In the child: load the model, time a window and a tail, report peak memory."""
    with contextlib.suppress(OSError):
        os.nice(CHILD_NICENESS)  # as the app's own speech process runs
    try:
        from tpm_coach.transcription import create_engine

        settings = TranscriptionSettings.model_validate_json(settings_json)
        conn.send(("stage", f"loading {settings.model}"))
        began = time.perf_counter()
        engine = create_engine(settings)
        engine.prepare()
        load_s = time.perf_counter() - began
        conn.send(("stage", f"transcribing {len(window) / SAMPLE_RATE:.0f} s of speech"))
        began = time.perf_counter()
        window_text = engine.transcribe(window).text
        window_s = time.perf_counter() - began
        conn.send(("stage", f"transcribing the last {len(tail) / SAMPLE_RATE:.0f} s"))
        tail_s = float("inf")
        for _ in range(TAIL_RUNS):
            began = time.perf_counter()
            engine.transcribe(tail)
            tail_s = min(tail_s, time.perf_counter() - began)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
        conn.send(
            (
                "ok",
                {
                    "load_s": load_s,
                    "window_s": window_s,
                    "tail_s": tail_s,
                    "peak_memory_mb": peak_kb / 1024,
                    "window_text": window_text,
                },
            )
        )
    except KnownError as exc:
        conn.send(("known", exc.message, exc.hint))
    except Exception as exc:  # reported to the parent, which shows it
        conn.send(("defect", f"{type(exc).__name__}: {exc}"))


def _run_child(
    settings: TranscriptionSettings,
    window: Any,
    tail: Any,
    *,
    cancel: threading.Event,
    stage: StageCallback | None,
    timeout_s: float,
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_child, args=(theirs, settings.model_dump_json(), window, tail), name="speech-trial", daemon=True
    )
    process.start()
    theirs.close()
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            if cancel.is_set():
                raise TrialCancelled(f"the measurement of {settings.model} was cancelled")
            if time.monotonic() > deadline:
                raise TranscriptionError(
                    f"measuring {settings.model} took longer than {timeout_s:.0f} s", "close other programs and retry"
                )
            if not ours.poll(0.2):
                if not process.is_alive() and not ours.poll(0):
                    raise TranscriptionError(
                        f"the measurement of {settings.model} stopped unexpectedly (exit code {process.exitcode})",
                        "the computer may be short of memory; close other programs and try again",
                    )
                continue
            try:
                reply = ours.recv()
            except EOFError as exc:
                raise TranscriptionError(
                    f"the measurement of {settings.model} stopped unexpectedly", "try again"
                ) from exc
            if reply[0] == "stage":
                if stage is not None:
                    stage(str(reply[1]))
                continue
            if reply[0] == "known":
                raise TranscriptionError(reply[1], reply[2])
            if reply[0] == "defect":
                raise TranscriptionError(f"measuring {settings.model} failed ({reply[1]})", "try again")
            result: dict[str, Any] = reply[1]
            return result
    finally:
        ours.close()
        process.join(2.0)
        if process.is_alive():
            process.terminate()
            process.join(5.0)


def measure_model(
    settings: TranscriptionSettings,
    sample: Sample,
    *,
    cancel: threading.Event | None = None,
    stage: StageCallback | None = None,
    timeout_s: float = TRIAL_TIMEOUT_S,
) -> TrialResult:
    """Measure the local model of `settings` (an installed or bundled one) on `sample`."""
    whole = sample.seconds <= WINDOW_S + 1.0
    window = sample.audio if whole else sample.audio[: round(WINDOW_S * SAMPLE_RATE)]
    tail = sample.audio[-round(TAIL_S * SAMPLE_RATE) :]
    numbers = _run_child(settings, window, tail, cancel=cancel or threading.Event(), stage=stage, timeout_s=timeout_s)
    word_error_rate = None
    if sample.reference is not None and whole:
        from tpm_coach.language.wer import wer

        word_error_rate = round(wer(sample.reference, numbers["window_text"]), 4)
    from tpm_coach.transcription.factory import cpu_threads

    measured = {
        "window_audio_s": len(window) / SAMPLE_RATE,
        "tail_audio_s": len(tail) / SAMPLE_RATE,
        **{k: numbers[k] for k in ("load_s", "window_s", "tail_s", "peak_memory_mb")},
    }
    return TrialResult(
        model=settings.model,
        sample=sample.description,
        sample_s=round(sample.seconds, 2),
        cores=os.cpu_count() or 1,
        threads=cpu_threads(settings.threads),
        wer=word_error_rate,
        reasons=judge(measured),
        **{k: round(float(v), 3) for k, v in measured.items()},
    )
