"""Record the microphone to a WAV file that survives crashes, feeding 16 kHz mono blocks to listeners.

Threads: PortAudio's callback only copies each block into a queue and updates the level; a writer
thread converts, appends to the WAV file and calls the listeners; a watchdog thread notices a
stream whose callbacks stopped (the audio server died, the device was unplugged) and ends the
recording while keeping everything captured so far.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tpm_coach.audio.devices import InputDevice, resolve_input_device
from tpm_coach.audio.resample import StreamResampler
from tpm_coach.audio.wav import WavAppender
from tpm_coach.errors import AudioDeviceError, KnownError, StorageError

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
BlockListener = Callable[[FloatArray], None]

_OPEN_HINT = (
    "close other apps that use the microphone, check that this user may record audio "
    "(Linux: the 'audio' group; macOS: System Settings > Privacy > Microphone), or pick another input in Settings"
)
_FALLBACK_RATES = (48000, 44100, 32000, 22050)


class StopReason(StrEnum):
    USER = "user"
    TIME_LIMIT = "time_limit"
    DEVICE_ERROR = "device_error"


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    duration_s: float
    stopped_reason: StopReason
    error: KnownError | None = None
    device_name: str = ""
    device_samplerate: int = 0
    overflows: int = 0


class Recorder:
    """One recording: `start()`, then `stop()` (or it stops itself at the time limit or on a device failure).

    `sd` is the sounddevice module. `device` is an index, a name (or part of one) or None for the
    default input. The device runs at `samplerate` when it offers it (else at its default rate, and
    the audio is resampled), or at `device_samplerate` when given. `listeners` receive mono float32
    blocks at `samplerate` from the writer thread.
    `on_error` (watchdog thread) gets an AudioDeviceError when the device fails mid-recording (or a
    StorageError when the file cannot be written);
    `on_stopped` gets the result when the recording ends by itself (time limit or device failure).
    """

    def __init__(
        self,
        sd: Any,
        wav_path: Path,
        *,
        device: str | int | None = None,
        samplerate: int = 16000,
        device_samplerate: int | None = None,
        time_limit_s: float | None = None,
        listeners: Iterable[BlockListener] = (),
        on_error: Callable[[KnownError], None] | None = None,
        on_stopped: Callable[[RecordingResult], None] | None = None,
        block_s: float = 0.1,
        stall_timeout_s: float = 1.2,
        start_timeout_s: float = 5.0,
        sync_interval_s: float = 0.5,
    ) -> None:
        self._sd = sd
        self.path = Path(wav_path)
        self._wanted_device = device
        self.samplerate = samplerate
        self._forced_rate = device_samplerate
        self.time_limit_s = time_limit_s
        self._listeners = list(listeners)
        self._on_error = on_error
        self._on_stopped = on_stopped
        self._block_s = block_s
        self._stall_timeout_s = stall_timeout_s
        self._start_timeout_s = start_timeout_s
        self._sync_interval_s = sync_interval_s

        self.device: InputDevice | None = None
        self.device_samplerate = 0
        self._channels = 1
        self._stream: Any = None
        self._queue: queue.SimpleQueue[FloatArray | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._watchdog: threading.Thread | None = None
        self._wav: WavAppender | None = None

        self._level = 0.0
        self._rms = 0.0
        self._frames_in = 0
        self._limit_frames: int | None = None
        self._overflows = 0
        self._started_at = 0.0
        self._last_callback = 0.0
        self._first_audio = threading.Event()
        self._stream_finished = threading.Event()
        self._stopping = threading.Event()
        self._finish_lock = threading.Lock()
        self._result: RecordingResult | None = None
        self._write_error: BaseException | None = None

    # ---- state for the UI -------------------------------------------------------------------
    @property
    def level(self) -> float:
        """Peak of the latest block, 0..1."""
        return self._level

    @property
    def rms(self) -> float:
        """RMS of the latest block, 0..1."""
        return self._rms

    @property
    def elapsed_s(self) -> float:
        rate = self.device_samplerate
        return self._frames_in / rate if rate else 0.0

    @property
    def is_recording(self) -> bool:
        return self._stream is not None and self._result is None and not self._stopping.is_set()

    @property
    def result(self) -> RecordingResult | None:
        return self._result

    def wait_started(self, timeout: float | None = None) -> bool:
        """Wait until the first audio block arrived (some audio servers take a moment)."""
        return self._first_audio.wait(timeout)

    # ---- start / stop ---------------------------------------------------------------------
    def start(self) -> None:
        if self._stream is not None:
            raise RuntimeError("a Recorder records once; make a new one")
        self.device = resolve_input_device(self._sd, self._wanted_device)
        self.device_samplerate, self._channels = self._choose_format(self.device)
        if self.time_limit_s is not None:
            self._limit_frames = round(self.time_limit_s * self.device_samplerate)
        try:
            self._wav = WavAppender(self.path, samplerate=self.samplerate, sync_interval_s=self._sync_interval_s)
        except OSError as exc:
            raise StorageError(
                f"cannot create the recording file {self.path} ({exc.strerror or exc})",
                "check that the data folder exists and is writable",
            ) from exc
        try:
            self._stream = self._sd.InputStream(
                device=self.device.index,
                samplerate=self.device_samplerate,
                channels=self._channels,
                dtype="float32",
                blocksize=max(1, round(self.device_samplerate * self._block_s)),
                callback=self._on_audio,
                finished_callback=self._stream_finished.set,
            )
            self._writer = threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True)
            self._writer.start()
            self._started_at = time.monotonic()
            self._stream.start()
        except (self._sd.PortAudioError, ValueError) as exc:
            self._abandon_start()
            raise AudioDeviceError(f"cannot open the microphone '{self.device.name}' ({exc})", _OPEN_HINT) from exc
        self._watchdog = threading.Thread(target=self._watch_loop, name="recorder-watchdog", daemon=True)
        self._watchdog.start()

    def stop(self) -> RecordingResult:
        """End the recording (idempotent) and return what was kept."""
        if self._stream is None:
            raise RuntimeError("the recorder was never started")
        return self._finish(StopReason.USER, None)

    # ---- PortAudio thread: copy and return ---------------------------------------------------
    def _on_audio(self, indata: FloatArray, frames: int, _time: Any, status: Any) -> None:
        now = time.monotonic()
        self._last_callback = now
        if status and status.input_overflow:
            self._overflows += 1
        block = indata.copy()
        limit = self._limit_frames
        if limit is not None and self._frames_in + frames >= limit:
            block = block[: max(0, limit - self._frames_in)]
        self._queue.put(block)
        self._frames_in += len(block)
        if len(block):
            self._level = min(1.0, float(np.max(np.abs(block))))
            self._rms = min(1.0, float(np.sqrt(np.mean(np.square(block)))))
        self._first_audio.set()
        if limit is not None and self._frames_in >= limit:
            raise self._sd.CallbackStop

    # ---- writer thread ----------------------------------------------------------------------
    def _write_loop(self) -> None:
        assert self._wav is not None
        resampler = StreamResampler(self.device_samplerate, self.samplerate)
        try:
            while True:
                block = self._queue.get()
                if block is None:
                    break
                mono = block.mean(axis=1) if block.ndim == 2 else block
                self._deliver(resampler.process(mono.astype(np.float32, copy=False)))
            self._deliver(resampler.flush())
        except OSError as exc:  # disk full, folder removed: keep what is on disk, stop recording
            self._write_error = exc
            log.error("writing %s failed: %s", self.path, exc)
        finally:
            with contextlib.suppress(OSError):
                self._wav.close()

    def _deliver(self, block: FloatArray) -> None:
        if not len(block):
            return
        assert self._wav is not None
        self._wav.append(block)
        for listener in list(self._listeners):
            try:
                listener(block)
            except Exception:
                # A broken listener must not cost the recording; it is dropped and logged.
                log.exception("recording listener %r failed and was removed", listener)
                self._listeners.remove(listener)

    # ---- watchdog thread --------------------------------------------------------------------
    def _watch_loop(self) -> None:
        while not self._stopping.wait(0.1):
            if (
                self._stream_finished.is_set()
                and self._limit_frames is not None
                and (self._frames_in >= self._limit_frames)
            ):
                self._finish(StopReason.TIME_LIMIT, None)
                return
            problem = self._stall_problem()
            if problem is not None:
                self._finish(StopReason.DEVICE_ERROR, problem)
                return

    def _stall_problem(self) -> KnownError | None:
        now = time.monotonic()
        name = self.device.name if self.device else "?"
        if self._write_error is not None:
            return StorageError(
                f"the recording could not be written to {self.path} ({self._write_error})",
                "free disk space or check the data folder; the part saved so far is kept",
            )
        if not self._first_audio.is_set():
            if now - self._started_at > self._start_timeout_s:
                return AudioDeviceError(
                    f"the microphone '{name}' delivered no audio within {self._start_timeout_s:.0f} s",
                    "check that the microphone is connected and the sound system is running",
                )
            return None
        silent_for = now - self._last_callback
        if silent_for > self._stall_timeout_s or self._stream_finished.is_set():
            kept = self._frames_in / self.device_samplerate
            return AudioDeviceError(
                f"the microphone '{name}' stopped delivering audio after {kept:.1f} s "
                "(unplugged, or the sound system stopped); the part recorded so far is kept",
                "check the microphone and the sound system, then record again or use the recorded part",
            )
        return None

    # ---- ending ------------------------------------------------------------------------------
    def _finish(self, reason: StopReason, error: KnownError | None) -> RecordingResult:
        with self._finish_lock:
            if self._result is not None:
                return self._result
            self._stopping.set()
            self._close_stream(graceful=reason is StopReason.USER)
            self._queue.put(None)
            if self._writer is not None:
                self._writer.join()
            if self._watchdog is not None and threading.current_thread() is not self._watchdog:
                self._watchdog.join()
            if error is None and self._write_error is not None:
                error = self._stall_problem()
            wav = self._wav
            self._result = RecordingResult(
                path=self.path,
                duration_s=wav.duration_s if wav else 0.0,
                stopped_reason=reason if error is None else StopReason.DEVICE_ERROR,
                error=error,
                device_name=self.device.name if self.device else "",
                device_samplerate=self.device_samplerate,
                overflows=self._overflows,
            )
            result = self._result
        self._level = self._rms = 0.0
        if error is not None and self._on_error is not None:
            self._on_error(error)
        if reason is not StopReason.USER and self._on_stopped is not None:
            self._on_stopped(result)
        return result

    def _close_stream(self, *, graceful: bool) -> None:
        stream = self._stream

        def close() -> None:
            with contextlib.suppress(Exception):
                if graceful:
                    stream.stop()
                else:
                    stream.abort()
            with contextlib.suppress(Exception):
                stream.close()

        # A stream on a hung audio server can block in abort()/close() until the server goes away;
        # the recording must end (and the failure be reported) without waiting for that.
        closer = threading.Thread(target=close, name="recorder-close", daemon=True)
        closer.start()
        closer.join(timeout=2.0 if graceful else 0.3)

    def _abandon_start(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        if self._writer is not None:
            self._writer.join()
        elif self._wav is not None:
            self._wav.close()
        self._stream = None
        with contextlib.suppress(OSError):
            self.path.unlink()

    def _choose_format(self, device: InputDevice) -> tuple[int, int]:
        """The device rate (16 kHz when offered, else a common rate we resample from) and channel count."""
        if self._forced_rate:
            rates = [self._forced_rate]
        else:
            rates = [self.samplerate, round(device.default_samplerate), *_FALLBACK_RATES]
        channel_options = [1] if device.max_input_channels < 2 else [1, 2]
        last_error: Exception | None = None
        for channels in channel_options:
            for rate in dict.fromkeys(rates):
                if rate <= 0:
                    continue
                try:
                    self._sd.check_input_settings(
                        device=device.index, channels=channels, dtype="float32", samplerate=rate
                    )
                    return rate, channels
                except (self._sd.PortAudioError, ValueError) as exc:
                    last_error = exc
        raise AudioDeviceError(f"the microphone '{device.name}' cannot be opened ({last_error})", _OPEN_HINT)
