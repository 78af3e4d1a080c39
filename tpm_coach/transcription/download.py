"""Download a faster-whisper model from the model hub into the speech-models folder, with byte progress and
cancellation; a model appears in place only once every file has fully arrived."""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.catalogue import is_installed, model_dir, speech_models_dir

DEFAULT_ENDPOINT = "https://huggingface.co"
CHUNK_BYTES = 256 * 1024
TIMEOUT_S = 30.0
_STALE_PARTIAL_S = 3600.0  # a partial folder this old was left by a process that died mid-download
# Each entry: the names to try in order (the first the hub has is taken) and whether one is required.
_FILES: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("config.json",), True),
    (("model.bin",), True),
    (("tokenizer.json",), True),
    (("vocabulary.txt", "vocabulary.json"), True),
    (("preprocessor_config.json",), False),
)


@dataclass(frozen=True)
class DownloadProgress:
    """One progress report while a model downloads: bytes so far and in total (None when unknown)."""

    model: str
    done_bytes: int
    total_bytes: int | None

    @property
    def fraction(self) -> float | None:
        if not self.total_bytes:
            return None
        return min(1.0, self.done_bytes / self.total_bytes)

    @property
    def text(self) -> str:
        """'base: 12 of 145 MB (8%)', or 'base: 12 MB' when the hub gave no size."""
        done = f"{self.done_bytes / 1e6:.0f}"
        if self.total_bytes is None or self.fraction is None:
            return f"{self.model}: {done} MB"
        return f"{self.model}: {done} of {self.total_bytes / 1e6:.0f} MB ({self.fraction:.0%})"


ProgressCallback = Callable[[DownloadProgress], None]


class DownloadCancelled(TranscriptionError):
    """The person stopped the download; nothing was installed."""


def hub_endpoint() -> str:
    """The model hub's address: HF_ENDPOINT when set (a mirror, or a local server in tests)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def file_url(repo: str, filename: str, endpoint: str | None = None) -> str:
    return f"{endpoint or hub_endpoint()}/{quote(repo)}/resolve/main/{quote(filename)}"


@dataclass(frozen=True)
class _RemoteFile:
    name: str
    url: str
    size: int | None


def _offline(name: str, endpoint: str, reason: object) -> TranscriptionError:
    return TranscriptionError(
        f"the speech model '{name}' cannot be downloaded: {endpoint} cannot be reached ({reason})",
        "check the internet connection and try again, or keep using the built-in 'tiny.en' model",
    )


def _open(request: urllib.request.Request, name: str, endpoint: str) -> http.client.HTTPResponse:
    """Open `request`. An HTTP error status comes back as HTTPError for the caller to judge; a network failure
    becomes a TranscriptionError."""
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError:
        raise
    except urllib.error.URLError as exc:
        raise _offline(name, endpoint, exc.reason) from exc
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise _offline(name, endpoint, exc) from exc
    return response


def _http_error(name: str, repo: str, filename: str, code: int) -> TranscriptionError:
    if code == 404:
        return TranscriptionError(
            f"the model hub has no file '{filename}' for the speech model '{name}' (repository {repo}, HTTP 404)",
            "check the model name; the offered models are listed by `tpm-coach speech-models list`",
        )
    if code in (401, 403):
        return TranscriptionError(
            f"the model hub refused the speech model '{name}' (HTTP {code})",
            "the repository may have become private; keep using the built-in 'tiny.en' model",
        )
    return TranscriptionError(
        f"the model hub answered HTTP {code} for the speech model '{name}'", "try again in a few minutes"
    )


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _list_files(name: str, repo: str, endpoint: str) -> list[_RemoteFile]:
    """Which files the hub has for `repo`, with their sizes (HEAD requests, redirects followed)."""
    found: list[_RemoteFile] = []
    for candidates, required in _FILES:
        for filename in candidates:
            url = file_url(repo, filename, endpoint)
            try:
                with _open(urllib.request.Request(url, method="HEAD"), name, endpoint) as response:
                    found.append(_RemoteFile(filename, url, _content_length(response)))
                break
            except urllib.error.HTTPError as exc:
                if exc.code != 404:
                    raise _http_error(name, repo, filename, exc.code) from exc
        else:
            if required:
                raise _http_error(name, repo, candidates[0], 404)
    return found


def _remove_stale_partials(root: Path, prefix: str) -> None:
    now = time.time()
    for old in root.glob(f"{prefix}*"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > _STALE_PARTIAL_S:
                shutil.rmtree(old, ignore_errors=True)


def _check_space(root: Path, needed: int, name: str) -> None:
    free = shutil.disk_usage(root).free
    if needed > free:
        raise TranscriptionError(
            f"the speech model '{name}' needs {needed / 1e6:.0f} MB but {root} has {free / 1e6:.0f} MB free",
            "free some disk space and download it again",
        )


def _fetch(
    remote: _RemoteFile,
    into: Path,
    *,
    name: str,
    repo: str,
    endpoint: str,
    cancel: threading.Event,
    advance: Callable[[int], None],
) -> None:
    try:
        response = _open(urllib.request.Request(remote.url), name, endpoint)
    except urllib.error.HTTPError as exc:
        raise _http_error(name, repo, remote.name, exc.code) from exc
    expected = _content_length(response) or remote.size
    written = 0
    try:
        with response, (into / remote.name).open("wb") as out:
            while True:
                if cancel.is_set():
                    raise DownloadCancelled(f"the download of the speech model '{name}' was cancelled")
                try:
                    block = response.read(CHUNK_BYTES)
                except (TimeoutError, OSError, http.client.HTTPException) as exc:
                    raise _truncated(name, remote.name, written, expected, exc) from exc
                if not block:
                    break
                out.write(block)
                written += len(block)
                advance(len(block))
    except OSError as exc:  # writing, or flushing at close: the network's errors were turned into ours above
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise TranscriptionError(
                f"the disk became full while downloading the speech model '{name}'",
                f"free some disk space in {into.parent} and download it again",
            ) from exc
        raise
    if expected is not None and written != expected:
        raise _truncated(name, remote.name, written, expected, None)


def _truncated(name: str, filename: str, got: int, expected: int | None, cause: object) -> TranscriptionError:
    of = f" of {expected:,}" if expected is not None else ""
    why = f" ({cause})" if cause else ""
    return TranscriptionError(
        f"the download of the speech model '{name}' broke off: {filename} arrived with {got:,}{of} bytes{why}",
        "download it again; the connection may have dropped",
    )


def download_model(
    name: str,
    repo: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    root: Path | None = None,
) -> Path:
    """Download `repo` from the hub into the folder of model `name` and return that folder.

    An installed model is returned as it is. Files stream into a hidden folder beside the target, which takes
    the target's name only when every file is complete; on any failure or cancellation it is removed, and an
    installed model is never touched. Raises TranscriptionError (DownloadCancelled when cancelled).
    """
    root = root or speech_models_dir()
    target = model_dir(name, root)
    if is_installed(target):
        return target
    cancel = cancel or threading.Event()
    endpoint = hub_endpoint()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TranscriptionError(
            f"cannot create the speech-models folder {root} ({exc})", "check its permissions"
        ) from exc
    prefix = f".{target.name}.partial-"
    _remove_stale_partials(root, prefix)
    files = _list_files(name, repo, endpoint)
    sizes = [f.size for f in files]
    total = sum(s for s in sizes if s is not None) if all(s is not None for s in sizes) else None
    if total is not None:
        _check_space(root, total, name)
    partial = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(DownloadProgress(model=name, done_bytes=done, total_bytes=total))

    try:
        if progress is not None:
            progress(DownloadProgress(model=name, done_bytes=0, total_bytes=total))
        for remote in files:
            _fetch(remote, partial, name=name, repo=repo, endpoint=endpoint, cancel=cancel, advance=advance)
        if cancel.is_set():
            raise DownloadCancelled(f"the download of the speech model '{name}' was cancelled")
        if is_installed(target):  # another download finished first: keep that one
            shutil.rmtree(partial, ignore_errors=True)
            return target
        if target.exists():  # an incomplete folder no process is using: nothing in it can load
            shutil.rmtree(target)
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target
