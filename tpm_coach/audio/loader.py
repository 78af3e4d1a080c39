"""Load any common audio file as float32 16 kHz mono, with clear errors for files that cannot be used.

WAV files are read with the standard library, or straight from the file when a streaming recorder
left their size fields unknown; everything else (FLAC, MP3, M4A, OGG, WAV variants such as float)
goes through PyAV, which faster-whisper already depends on.
"""

from __future__ import annotations

import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from tpm_coach.audio.resample import resample
from tpm_coach.errors import AudioFileError

TARGET_RATE = 16000
MAX_DURATION_S = 2 * 60 * 60  # an interview answer is minutes; hours means a wrong file
_MIN_RATE = 1000
_MAX_RATE = 384000
_MAX_CHANNELS = 32
_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # what recorders that cannot seek back write in a WAV's size fields
_MAX_CHUNKS = 64
_PCM = 1
_EXTENSIBLE = 0xFFFE

FloatArray = npt.NDArray[np.float32]


def load_audio(path: Path, *, max_duration_s: float = MAX_DURATION_S) -> FloatArray:
    """Decode `path` to float32 mono at 16 kHz. Raises AudioFileError saying what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise AudioFileError(f"{path}: no such file") from exc
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if path.is_dir():
        raise AudioFileError(f"{path}: is a folder, not an audio file")
    if size == 0:
        raise AudioFileError(f"{path}: the file is empty")
    try:
        return _decode(path, size, max_duration_s)
    except AudioFileError:
        raise
    except Exception as exc:  # a decoder's failure on a damaged file is the file's problem, not a crash
        raise AudioFileError(f"{path}: not a readable audio file ({_av_reason(exc)})") from exc


def _decode(path: Path, size: int, max_duration_s: float) -> FloatArray:
    with open(path, "rb") as handle:
        layout = _riff_layout(handle, size)
    if layout is None:
        return _read_with_av(path, max_duration_s)
    available = size - layout.data_offset
    # Streaming recorders cannot seek back to fill in the sizes: their samples run to the end of the file.
    data_unknown = layout.data_size in _UNKNOWN_SIZES
    if available > 0 and (data_unknown or layout.riff_size in _UNKNOWN_SIZES):
        if layout.pcm is None:
            return _read_with_av(path, max_duration_s, header_duration=False)
        length = available if data_unknown else min(layout.data_size, available)
        return _read_pcm(path, layout.data_offset, length, layout.pcm, max_duration_s)
    decoded = _read_wav(path, max_duration_s, available=available)
    if decoded is not None:
        return decoded
    return _read_with_av(path, max_duration_s)


@dataclass(frozen=True)
class _RiffLayout:
    riff_size: int
    data_offset: int
    data_size: int
    pcm: tuple[int, int, int] | None  # (rate, channels, bytes per sample) when the fmt chunk is integer PCM


def _riff_layout(handle: BinaryIO, file_size: int) -> _RiffLayout | None:
    """Where a RIFF/WAVE file's samples start and what its header says; None if not a WAV or no data chunk."""
    head = handle.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pcm = None
    position = 12
    for _ in range(_MAX_CHUNKS):
        if position + 8 > file_size:
            return None
        handle.seek(position)
        chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
        if chunk_id == b"fmt ":
            pcm = _pcm_format(handle.read(min(chunk_size, 40)))
        elif chunk_id == b"data":
            return _RiffLayout(struct.unpack("<I", head[4:8])[0], position + 8, chunk_size, pcm)
        position += 8 + chunk_size + (chunk_size & 1)
    return None


def _pcm_format(fmt: bytes) -> tuple[int, int, int] | None:
    if len(fmt) < 16:
        return None
    tag, channels, rate, _byte_rate, _align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # the first two bytes of the sub-format GUID
    width = (bits + 7) // 8
    return (rate, channels, width) if tag == _PCM and 1 <= width <= 4 else None


def _check_format(path: Path, rate: int, channels: int) -> None:
    if not _MIN_RATE <= rate <= _MAX_RATE:
        raise AudioFileError(f"{path}: the sample rate {rate} Hz is not plausible (the file is probably damaged)")
    if not 1 <= channels <= _MAX_CHANNELS:
        raise AudioFileError(f"{path}: {channels} channels is not plausible (the file is probably damaged)")


def _check_duration(path: Path, seconds: float, max_duration_s: float) -> None:
    if seconds > max_duration_s:
        raise AudioFileError(
            f"{path}: the audio is {seconds / 60:.0f} minutes long; answers longer than "
            f"{max_duration_s / 60:.0f} minutes are not transcribed (is this the right file?)"
        )


def _read_wav(path: Path, max_duration_s: float, *, available: int) -> FloatArray | None:
    """Decode PCM WAV; None when the standard library cannot read this WAV (PyAV will try).

    `available` is how many bytes follow the data chunk's header: a file cut short holds fewer
    frames than its header says, and only those count towards the length limit.
    """
    try:
        with wave.open(str(path), "rb") as reader:
            rate, channels, width = reader.getframerate(), reader.getnchannels(), reader.getsampwidth()
            _check_format(path, rate, channels)
            if width not in (1, 2, 3, 4):
                return None
            frames = min(reader.getnframes(), available // (width * channels))
            _check_duration(path, frames / rate, max_duration_s)
            raw = reader.readframes(frames)
    except AudioFileError:
        raise
    except EOFError as exc:
        raise AudioFileError(f"{path}: the WAV header is damaged or cut short") from exc
    except Exception:
        # wave.Error for float or extensible WAV; RuntimeError, struct.error and others for damaged chunks.
        return None
    return _pcm_to_mono(path, raw, rate, channels, width)


def _read_pcm(path: Path, offset: int, length: int, pcm: tuple[int, int, int], max_duration_s: float) -> FloatArray:
    """Integer PCM samples read straight from the file: `length` bytes at `offset`."""
    rate, channels, width = pcm
    _check_format(path, rate, channels)
    frames = length // (width * channels)
    _check_duration(path, frames / rate, max_duration_s)
    with open(path, "rb") as handle:
        handle.seek(offset)
        raw = handle.read(frames * width * channels)
    return _pcm_to_mono(path, raw, rate, channels, width)


def _pcm_to_mono(path: Path, raw: bytes, rate: int, channels: int, width: int) -> FloatArray:
    frames = len(raw) // (width * channels)
    if frames == 0:
        raise AudioFileError(f"{path}: the WAV file holds no audio (zero length)")
    samples = _pcm_to_float(raw[: frames * width * channels], width).reshape(frames, channels)
    mono = samples.mean(axis=1, dtype=np.float32) if channels > 1 else samples[:, 0]
    return resample(np.ascontiguousarray(mono, dtype=np.float32), rate, TARGET_RATE)


def _pcm_to_float(raw: bytes, width: int) -> FloatArray:
    if width == 1:
        return ((np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0).astype(np.float32)
    if width == 2:
        return (np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)
    if width == 3:
        bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        return (values.astype(np.float32) / float(1 << 23)).astype(np.float32)
    return (np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)).astype(np.float32)


def _read_with_av(path: Path, max_duration_s: float, *, header_duration: bool = True) -> FloatArray:
    try:
        import av
    except ImportError as exc:
        raise AudioFileError(f"{path}: reading this format needs PyAV ('av'), which is not installed") from exc
    try:
        container: Any = av.open(str(path), metadata_errors="ignore")
    except Exception as exc:
        raise AudioFileError(f"{path}: not a readable audio file ({_av_reason(exc)})") from exc
    with container:
        if not container.streams.audio:
            raise AudioFileError(f"{path}: the file has no audio track")
        stream = container.streams.audio[0]
        rate = int(stream.rate or stream.codec_context.sample_rate or 0)
        _check_format(path, rate, int(stream.channels or 1))
        # A duration derived from unknown size fields is meaningless; the decoded length is checked below.
        if header_duration and container.duration is not None:
            _check_duration(path, container.duration / av.time_base, max_duration_s)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=TARGET_RATE)
        pieces: list[FloatArray] = []
        total = 0
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler follow the sample count, not damaged timestamps
                for out in resampler.resample(frame):
                    piece = out.to_ndarray().reshape(-1).astype(np.float32)
                    pieces.append(piece)
                    total += len(piece)
                _check_duration(path, total / TARGET_RATE, max_duration_s)
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1).astype(np.float32))
        except AudioFileError:
            raise
        except Exception as exc:
            if not pieces:
                raise AudioFileError(f"{path}: the audio cannot be decoded ({_av_reason(exc)})") from exc
            # A damaged tail: keep what decoded, as players do.
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    if len(audio) == 0:
        raise AudioFileError(f"{path}: the file holds no audio (zero length)")
    return audio


def _av_reason(exc: BaseException) -> str:
    strerror = getattr(exc, "strerror", None)
    return str(strerror or exc.__class__.__name__)
