"""16-bit PCM WAV files written as audio arrives, and repair of a file left behind by a crash.

The writer keeps the header's size fields up to date and fsyncs at a fixed interval, so a crash
(even `kill -9`) loses at most that interval; `repair_wav` fixes the sizes from the file length.
"""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from tpm_coach.errors import AudioFileError

_HEADER_SIZE = 44
_PCM = 1


def _header(samplerate: int, channels: int, data_bytes: int) -> bytes:
    block_align = channels * 2
    return b"".join(
        (
            b"RIFF",
            struct.pack("<I", 36 + data_bytes),
            b"WAVE",
            b"fmt ",
            struct.pack("<IHHIIHH", 16, _PCM, channels, samplerate, samplerate * block_align, block_align, 16),
            b"data",
            struct.pack("<I", data_bytes),
        )
    )


def float_to_pcm16(samples: npt.NDArray[np.float32]) -> bytes:
    """Clip to [-1, 1] and convert to little-endian int16 bytes."""
    scaled = np.clip(samples, -1.0, 1.0) * 32767.0
    return np.round(scaled).astype("<i2").tobytes()


class WavAppender:
    """Append mono/multi-channel int16 frames to a WAV file, keeping it readable after a crash.

    `sync()` rewrites the header sizes, flushes and fsyncs; `append()` calls it by itself once
    `sync_interval_s` has passed since the last sync. Not thread-safe: one writer thread owns it.
    """

    def __init__(self, path: Path, *, samplerate: int = 16000, channels: int = 1, sync_interval_s: float = 0.5) -> None:
        self.path = path
        self.samplerate = samplerate
        self.channels = channels
        self.sync_interval_s = sync_interval_s
        self._data_bytes = 0
        self._synced_bytes = -1
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO | None = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._file.write(_header(samplerate, channels, 0))
        self._last_sync = time.monotonic()
        self.sync()

    @property
    def frames(self) -> int:
        return self._data_bytes // (2 * self.channels)

    @property
    def duration_s(self) -> float:
        return self.frames / self.samplerate

    @property
    def closed(self) -> bool:
        return self._file is None

    def append(self, samples: npt.NDArray[np.float32]) -> None:
        """Write float samples in [-1, 1] (shape (n,) for mono or (n, channels))."""
        if self._file is None:
            raise ValueError("the WAV file is closed")
        data = float_to_pcm16(samples)
        self._file.write(data)
        self._data_bytes += len(data)
        if time.monotonic() - self._last_sync >= self.sync_interval_s:
            self.sync()

    def sync(self) -> None:
        """Make everything written so far durable, with a header that matches it."""
        handle = self._file
        if handle is None:
            return
        if self._synced_bytes != self._data_bytes:
            handle.seek(4)
            handle.write(struct.pack("<I", 36 + self._data_bytes))
            handle.seek(40)
            handle.write(struct.pack("<I", self._data_bytes))
            handle.seek(0, os.SEEK_END)
            handle.flush()
            os.fsync(handle.fileno())
            self._synced_bytes = self._data_bytes
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._file is None:
            return
        try:
            self.sync()
        finally:
            self._file.close()
            self._file = None


def _find_chunks(handle: BinaryIO, file_size: int) -> tuple[int, int, int, int]:
    """Return (channels, samplerate, bits, data_offset) of a RIFF/WAVE PCM file."""
    head = handle.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise AudioFileError(f"{handle.name}: not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    position = 12
    while position + 8 <= file_size:
        handle.seek(position)
        chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
        if chunk_id == b"fmt ":
            raw = handle.read(16)
            if len(raw) < 16:
                break
            fmt_tag, channels, samplerate, _rate, _align, bits = struct.unpack("<HHIIHH", raw)
            fmt = (fmt_tag, channels, samplerate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                break
            fmt_tag, channels, samplerate, bits = fmt
            if fmt_tag != _PCM or bits != 16 or channels < 1 or samplerate < 1:
                raise AudioFileError(f"{handle.name}: not a 16-bit PCM WAV file; cannot repair it")
            return channels, samplerate, bits, position + 8
        # A crash can leave any size in a chunk we did not write; stop rather than jump anywhere.
        if chunk_size > file_size:
            break
        position += 8 + chunk_size + (chunk_size & 1)
    raise AudioFileError(f"{handle.name}: the WAV header is damaged (no fmt/data chunk); cannot repair it")


def repair_wav(path: Path) -> float:
    """Fix the size fields of a WAV file cut short by a crash; return its duration in seconds.

    The data chunk is taken to run to the end of the file (minus any partial frame). Files written
    by `WavAppender` always qualify; a file shorter than a header raises AudioFileError.
    """
    try:
        file_size = path.stat().st_size
    except FileNotFoundError as exc:
        raise AudioFileError(f"{path}: the recording file is missing") from exc
    if file_size < _HEADER_SIZE:
        raise AudioFileError(f"{path}: the recording file is empty or too short to hold any audio")
    with open(path, "r+b") as handle:
        channels, samplerate, bits, data_offset = _find_chunks(handle, file_size)
        block_align = channels * bits // 8
        data_bytes = (file_size - data_offset) // block_align * block_align
        handle.seek(4)
        handle.write(struct.pack("<I", data_offset - 8 + data_bytes))
        handle.seek(data_offset - 4)
        handle.write(struct.pack("<I", data_bytes))
        # Drop a partial frame at the end so every reader agrees on the length.
        handle.truncate(data_offset + data_bytes)
        handle.flush()
        os.fsync(handle.fileno())
    return data_bytes / block_align / samplerate
