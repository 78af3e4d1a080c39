"""Transcribe while the candidate speaks, so that at Stop only the last few seconds remain.

One worker thread watches the growing recording. At each pause (Silero VAD) it transcribes the
open stretch since the last frozen point, with the text before it as the prompt; once that
stretch is `commit_s` long it is frozen and the next stretch starts at the pause. Until then the
result is provisional and is simply redone, with more context, at the next pause. Between pauses, the
words said since the last one are decoded on their own for the live text only (a sentence can run for
several seconds without a pause; the candidate should see it appear as it is said). At `finish()`
the open stretch is redone in one window when the runs so far say that fits the time budget;
otherwise only the audio after the last transcribed pause is left to do, decoded as a draft when even
that would not fit. Seams are reconciled by dropping words repeated on both sides of a cut.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from tpm_coach.domain.attempt import Transcript, Word
from tpm_coach.errors import KnownError, TranscriptionError
from tpm_coach.transcription.engine import (
    SAMPLE_RATE,
    FloatArray,
    TranscriptionEngine,
    offset_words,
    text_from_words,
)
from tpm_coach.transcription.pauses import Region, SpeechDetector, default_detector
from tpm_coach.transcription.seams import join_chunks

log = logging.getLogger(__name__)

_REDO_MARGIN_S = 0.15  # at finish(), redo the open stretch past the budget when it costs at most this more


@dataclass(frozen=True)
class ChunkPolicy:
    """How the recording is cut into stretches. Defaults measured on tiny.en int8, 2 cores.

    On eleven synthetic answers (8 x 60 s, 3 x 180 s) the incremental/whole-file word error ratio
    was 1.09 with commit_s 12, 1.03 with 16, 0.93 with 18 (max 26) and 0.98 with 20 (max 28):
    longer windows give Whisper more context, up to the point where cuts get forced.
    """

    commit_s: float = 18.0  # freeze a stretch at the first pause after it is this long
    max_chunk_s: float = 26.0  # never let a stretch grow past this (Whisper sees 30 s at most)
    min_pause_s: float = 0.2  # a silence this long counts as a pause
    min_new_audio_s: float = 1.0  # redo the open stretch only when this much more has been said
    check_every_s: float = 0.4  # look for pauses after this much new audio
    cut_into_pause_s: float = 0.3  # the cut goes this far into a pause (at most half of it)
    prompt_words: int = 120  # words of earlier text given as the prompt
    # Decode up to this much audio before a cut again (from a pause), so the words after it have context.
    # Off: on three 60 s answers fed in lockstep, 4 s gave WER 0.037, 0.118, 0.076 against 0.025, 0.149,
    # 0.076 without, at a fifth more decoding while speaking.
    overlap_s: float = 0.0
    max_window_s: float = 28.5  # a stretch and its overlap together stay within one Whisper window
    # At finish(), redo the whole open stretch in one window if it fits in this; what is left is decoded as a
    # draft when even that would not fit. Whisper base, beam 5, two cores, the last 4-7 s of ten answers (fed in
    # lockstep): a median of 0.69 s with the beam and 0.45 s as a draft, and 54 errors in all against 52.
    finish_budget_s: float = 0.75
    # Live text between pauses: decode the words since the last decoded pause once this much more was said
    # (0: only at pauses). Shown only; the pause decodes and finish() never use it. On five 60 s answers fed
    # in real time (bench/transcription.py --speech-process), every 2 s: the live text trails by 1.22 s
    # (median), Stop -> transcript took 0.38-0.62 s; every 1 s: 0.82 s and 0.35-0.64 s, but the window then
    # stalled up to 59 ms while recording (26 ms at 2 s; bench/ui_stall.py).
    live_every_s: float = 2.0


@dataclass
class IncrementalStats:
    committed_chunks: int = 0
    provisional_runs: int = 0
    live_runs: int = 0  # decodes between pauses, for the live text only
    transcribe_s: float = 0.0  # time spent inside the engine, all runs
    finish_wait_s: float = 0.0  # at finish(): waiting for a run already in progress
    tail_audio_s: float = 0.0  # audio left to transcribe at finish()
    tail_s: float = 0.0  # time spent transcribing it
    tail_draft: bool = False  # it was decoded as a draft, the engine's full decode being over the time left
    reheard_s: float = 0.0  # audio before a cut decoded again as context (policy.overlap_s)
    # (audio seconds, wall seconds) of the decodes that may be kept: finish() estimates its own from them.
    # Drafts are left out, as they may be decoded more cheaply.
    runs: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class _Chunk:
    start: int
    end: int
    text: str
    words: list[Word]  # absolute times


class IncrementalTranscriber:
    """Feed it audio as it is recorded (`feed`, any thread); `finish()` returns the whole transcript.

    `on_update(transcript)` is called from the worker thread with the text so far (the last part may
    still change). Word times are seconds from the start of the recording.
    """

    def __init__(
        self,
        engine: TranscriptionEngine,
        *,
        samplerate: int = SAMPLE_RATE,
        on_update: Callable[[Transcript], None] | None = None,
        policy: ChunkPolicy | None = None,
        detector: SpeechDetector | None = None,
    ) -> None:
        if samplerate != SAMPLE_RATE:
            raise ValueError(f"the incremental transcriber takes {SAMPLE_RATE} Hz audio, not {samplerate}")
        self._engine = engine
        self._on_update = on_update
        self.policy = policy or ChunkPolicy()
        self._detector = detector
        self.stats = IncrementalStats()

        self._cond = threading.Condition()
        self._audio = np.zeros(SAMPLE_RATE * 60, dtype=np.float32)
        self._n = 0
        self._finishing = False
        self._cancelled = False
        self._finish_requested_at = 0.0
        self._idle = threading.Event()
        self._step_samples = round(self.policy.check_every_s * SAMPLE_RATE)

        # Worker-owned state.
        self._committed: list[_Chunk] = []
        self._commit_at = 0
        self._provisional: _Chunk | None = None
        self._live: _Chunk | None = None  # the words after the last decoded pause; display only
        self._checked_at = 0
        self._result: Transcript | None = None
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._run, name="incremental-transcriber", daemon=True)
        self._worker.start()

    # ---- producer side -----------------------------------------------------------------------
    def feed(self, samples: FloatArray) -> None:
        block = np.asarray(samples, dtype=np.float32).reshape(-1)
        with self._cond:
            if self._finishing or self._cancelled:
                raise RuntimeError("feed() after finish() or cancel()")
            needed = self._n + len(block)
            if needed > len(self._audio):
                grown = np.zeros(max(needed, 2 * len(self._audio)), dtype=np.float32)
                grown[: self._n] = self._audio[: self._n]
                self._audio = grown
            self._audio[self._n : needed] = block
            self._n = needed
            if self._n - self._checked_at >= self._step_samples:
                self._idle.clear()  # work is due: wait_idle() must wait for the worker to do it
            self._cond.notify()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the worker has dealt with all audio fed so far (for tests and benchmarks)."""
        return self._idle.wait(timeout)

    @property
    def duration_s(self) -> float:
        return self._n / SAMPLE_RATE

    def transcript_so_far(self) -> Transcript:
        chunks = list(self._committed)
        if self._provisional is not None:
            chunks.append(self._provisional)
        if self._live is not None:
            chunks.append(self._live)
        return self._make_transcript(chunks)

    def finish(self, timeout: float | None = None) -> Transcript:
        """Transcribe what is left and return the transcript of the whole recording."""
        with self._cond:
            if not self._finishing:
                self._finishing = True
                self._finish_requested_at = time.perf_counter()
            self._cond.notify()
        self._worker.join(timeout)
        if self._worker.is_alive():
            raise TranscriptionError("transcription did not finish in time", "try transcribing the answer again")
        if self._cancelled and self._result is None:
            raise RuntimeError("finish() after cancel()")
        if self._error is not None:
            if isinstance(self._error, KnownError):
                raise self._error
            raise TranscriptionError(
                f"transcription failed ({self._error})", "transcribe the saved recording again"
            ) from self._error
        assert self._result is not None
        return self._result

    def cancel(self, *, wait: bool = True) -> None:
        """Stop working (a run already inside the engine completes first); the result is discarded."""
        with self._cond:
            self._cancelled = True
            self._cond.notify()
        if wait:
            self._worker.join()

    # ---- worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._engine.prepare()
            if self._detector is None:
                self._detector = default_detector(self.policy.min_pause_s)
            step = self._step_samples
            while True:
                with self._cond:
                    while not (self._cancelled or self._finishing or self._n - self._checked_at >= step):
                        self._idle.set()
                        self._cond.wait()
                    self._idle.clear()
                    if self._cancelled:
                        return
                    finishing, end = self._finishing, self._n
                if finishing:
                    self._finish_work(end)
                    return
                self._checked_at = end
                self._step(end)
        except BaseException as exc:  # reported by finish(); the recording itself is safe on disk
            self._error = exc
            log.warning("incremental transcription stopped: %s", exc)
        finally:
            self._idle.set()

    def _speech(self, start: int, end: int) -> list[Region]:
        assert self._detector is not None
        return self._detector.speech_regions(self._audio[start:end])

    def _step(self, end: int) -> None:
        policy = self.policy
        start = self._commit_at
        length = end - start
        speech = self._speech(start, end)
        if not speech:
            if length > policy.max_chunk_s * SAMPLE_RATE:
                if self._provisional is not None:
                    self._commit(self._provisional)
                else:
                    self._commit_at = end - round(policy.min_pause_s * SAMPLE_RATE)  # skip a long silence
            return
        done = (self._provisional.end - start) if self._provisional else 0
        cut = _latest_cut(speech, length, policy)
        if self._finishing:
            return  # Stop came while looking for pauses: finish() covers this stretch, sooner
        if cut is not None and cut - done >= policy.min_new_audio_s * SAMPLE_RATE and _has_speech(speech, done, cut):
            chunk = self._transcribe(start, start + cut, self._committed)
            self._live = None
            if cut >= policy.commit_s * SAMPLE_RATE:
                self._commit(chunk)
            else:
                self._provisional = chunk
                self.stats.provisional_runs += 1
            self._notify()
        elif length >= policy.max_chunk_s * SAMPLE_RATE:
            forced = _forced_cut(self._audio[start:end], speech, policy)
            self._live = None
            self._commit(self._transcribe(start, start + forced, self._committed))
            self._notify()
        else:
            self._step_live(start + done, end, speech, start)

    def _step_live(self, since: int, end: int, speech: list[Region], offset: int) -> None:
        """Decode what was said after the last decoded pause, for the live text, once enough more was said."""
        every = round(self.policy.live_every_s * SAMPLE_RATE)
        shown = self._live.end if self._live is not None else since
        if (
            self._finishing
            or every <= 0
            or end - shown < every
            or not _has_speech(speech, shown - offset, end - offset)
        ):
            return
        before = [*self._committed, *([self._provisional] if self._provisional else [])]
        self._live = self._transcribe(since, end, before, draft=True)
        self.stats.live_runs += 1
        self._notify()

    def _finish_work(self, end: int) -> None:
        began = time.perf_counter()
        self.stats.finish_wait_s = max(0.0, began - self._finish_requested_at)
        chunks = list(self._committed)
        tail_start = self._commit_at
        open_s = (end - tail_start) / SAMPLE_RATE
        left = self.policy.finish_budget_s - self.stats.finish_wait_s
        if self._provisional is not None:
            redo = self._estimated_cost(open_s)
            tail_only = self._estimated_cost((end - self._provisional.end) / SAMPLE_RATE)
            # A decode's fixed cost dominates short audio: when the tail is most of the open stretch, redoing
            # it all costs little more and gives the words before and after the last pause one context.
            if redo > left and redo - tail_only > _REDO_MARGIN_S:
                # Too long to redo within the budget: keep the provisional text, transcribe only what follows.
                chunks.append(self._provisional)
                tail_start = self._provisional.end
        if end - tail_start >= 0.1 * SAMPLE_RATE:
            speech = self._speech(tail_start, end)
            if speech:
                # Trailing silence adds nothing but decoding time.
                tail_end = min(end, tail_start + speech[-1][1] + round(0.5 * SAMPLE_RATE))
                self.stats.tail_audio_s = (tail_end - tail_start) / SAMPLE_RATE
                self.stats.tail_draft = self._estimated_cost(self.stats.tail_audio_s) >= left
                chunks.append(self._transcribe(tail_start, tail_end, chunks, draft=self.stats.tail_draft))
        self.stats.tail_s = time.perf_counter() - began
        self._result = self._make_transcript(chunks)

    def _estimated_cost(self, audio_s: float) -> float:
        """Seconds to transcribe `audio_s` of audio, from the runs so far (a fixed part plus a per-second part)."""
        runs = self.stats.runs[-12:]
        lengths = np.array([r[0] for r in runs])
        if len(runs) >= 3 and np.ptp(lengths) >= 2.0:
            slope, intercept = np.polyfit(lengths, np.array([r[1] for r in runs]), 1)
            estimate = float(intercept + max(0.0, slope) * audio_s)
        else:
            estimate = 0.2 + 0.03 * audio_s  # tiny.en int8 on two cores
        return estimate * 1.15

    def _transcribe(self, start: int, end: int, before: list[_Chunk], *, draft: bool = False) -> _Chunk:
        """Transcribe [start, end) after the chunks `before`, hearing some of their audio again when allowed."""
        heard_from, prompt = self._context(before, start, end)
        began = time.perf_counter()
        piece = self._engine.transcribe(self._audio[heard_from:end].copy(), initial_prompt=prompt, draft=draft)
        spent = time.perf_counter() - began
        self.stats.transcribe_s += spent
        if not draft:
            self.stats.runs.append(((end - heard_from) / SAMPLE_RATE, spent))
        words = offset_words(piece.words, heard_from / SAMPLE_RATE)
        if heard_from == start:
            return _Chunk(start, end, piece.text, words)
        self.stats.reheard_s += (start - heard_from) / SAMPLE_RATE
        # The cut lies in a pause, so a word's middle says reliably on which side of it the word was spoken.
        seam = start / SAMPLE_RATE
        kept = [w for w in words if (w.start + w.end) / 2 >= seam]
        return _Chunk(start, end, text_from_words(kept), kept)

    def _context(self, before: list[_Chunk], start: int, end: int) -> tuple[int, str | None]:
        """Where to begin decoding for a stretch starting at `start`, and the prompt of the text before that.

        The audio context starts in the earliest pause between earlier words within `overlap_s` of the cut
        (never mid-sentence: a window that starts inside a phrase derails the decoder), so Whisper hears
        the sentence the stretch continues; the prompt then covers only the words before that point.
        """
        room = round(self.policy.max_window_s * SAMPLE_RATE) - (end - start)
        reach = min(round(self.policy.overlap_s * SAMPLE_RATE), room)
        earlier = [w for chunk in before for w in chunk.words]
        heard_from = start
        if reach > 0 and earlier:
            limit = (start - reach) / SAMPLE_RATE
            for index in range(len(earlier) - 1, 0, -1):
                gap_start, gap_end = earlier[index - 1].end, earlier[index].start
                if gap_end < limit:
                    break
                if gap_end - gap_start >= self.policy.min_pause_s:
                    heard_from = round((gap_start + gap_end) / 2 * SAMPLE_RATE)
            heard_from = min(start, max(0, heard_from))
        if heard_from == start:
            return start, self._prompt(before)
        words = [w.word for w in earlier if (w.start + w.end) / 2 * SAMPLE_RATE < heard_from]
        return heard_from, " ".join(words[-self.policy.prompt_words :]) or None

    def _commit(self, chunk: _Chunk) -> None:
        self._committed.append(chunk)
        self._commit_at = chunk.end
        self._provisional = None
        self.stats.committed_chunks += 1

    def _prompt(self, chunks: list[_Chunk]) -> str | None:
        words: list[str] = []
        for chunk in reversed(chunks):
            words[:0] = chunk.text.split()
            if len(words) >= self.policy.prompt_words:
                break
        return " ".join(words[-self.policy.prompt_words :]) or None

    def _make_transcript(self, chunks: list[_Chunk]) -> Transcript:
        text, words = join_chunks([(c.start / SAMPLE_RATE, c.text, c.words) for c in chunks])
        return Transcript(text=text, words=words, engine=self._engine.engine_name, model=self._engine.model_name)

    def _notify(self) -> None:
        if self._on_update is None:
            return
        try:
            self._on_update(self.transcript_so_far())
        except Exception:
            log.exception("on_update failed")


def transcribe_recording(
    engine: TranscriptionEngine, audio: FloatArray, *, detector: SpeechDetector | None = None
) -> Transcript:
    """A saved recording, cut at its pauses into the stretches a live recording gets, each decoded once.

    Whisper's own long-audio decoder lost or repeated whole sentences of real speech (the LibriVox clips strung
    together, 84-88 s: WER 0.08-0.43 against 0.014 in stretches, bench/transcription.py), and a recording is
    transcribed whole when its live transcription failed, at recovery and by `tpm-coach transcribe`.
    """
    samples = np.asarray(audio, dtype=np.float32).reshape(-1)
    # Offline there is no one to show text to: no live decodes, no stretch decoded again as it grows, and no
    # budget that would make the last stretch a draft.
    policy = replace(
        ChunkPolicy(),
        min_new_audio_s=ChunkPolicy.commit_s,
        live_every_s=0.0,
        check_every_s=2.0,
        finish_budget_s=math.inf,
    )
    transcriber = IncrementalTranscriber(engine, policy=policy, detector=detector)
    step = round(policy.check_every_s * SAMPLE_RATE)
    try:
        for start in range(0, len(samples), step):
            transcriber.feed(samples[start : start + step])
            transcriber.wait_idle()
    except BaseException:
        transcriber.cancel()
        raise
    return transcriber.finish()


def _has_speech(speech: list[Region], start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in speech)


def _pauses(speech: list[Region], length: int, policy: ChunkPolicy) -> list[Region]:
    """Silences between speech regions (and after the last one) at least `min_pause_s` long."""
    minimum = policy.min_pause_s * SAMPLE_RATE
    gaps = [(speech[i][1], speech[i + 1][0]) for i in range(len(speech) - 1)]
    gaps.append((speech[-1][1], length))
    return [(a, b) for a, b in gaps if b - a >= minimum]


def _cut_in(pause: Region, policy: ChunkPolicy) -> int:
    a, b = pause
    return a + min((b - a) // 2, round(policy.cut_into_pause_s * SAMPLE_RATE))


def _latest_cut(speech: list[Region], length: int, policy: ChunkPolicy) -> int | None:
    pauses = _pauses(speech, length, policy)
    return _cut_in(pauses[-1], policy) if pauses else None


def _forced_cut(audio: FloatArray, speech: list[Region], policy: ChunkPolicy) -> int:
    """Where to cut a stretch that reached the maximum: the last pause past half of it, else its quietest moment."""
    limit = round(policy.max_chunk_s * SAMPLE_RATE)
    half = limit // 2
    gaps = [(speech[i][1], speech[i + 1][0]) for i in range(len(speech) - 1)]
    usable = [g for g in gaps if g[0] >= half and g[1] <= limit]
    if usable:
        longest = max(usable, key=lambda g: (g[1] - g[0], g[0]))
        return longest[0] + (longest[1] - longest[0]) // 2
    frame = SAMPLE_RATE // 50
    window = audio[half:limit]
    count = len(window) // frame
    energy = np.mean(window[: count * frame].reshape(count, frame) ** 2, axis=1)
    return half + int(np.argmin(energy)) * frame + frame // 2
