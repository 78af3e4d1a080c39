"""Real HTTP servers on 127.0.0.1 that answer like local model servers' model lists (or do not answer at all).

Each serves fixed replies by path (anything else is a 404). `delay_s` holds every reply back that long (or until
the server closes): a server that answers, but too late to count.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["ModelListServer", "Route", "closed_port", "ollama_tags", "openai_models"]

# status, body, extra headers
Route = tuple[int, bytes, Mapping[str, str]]


def openai_models(ids: Sequence[str], owned_by: str = "organization") -> Route:
    data = [{"id": model, "object": "model", "created": 1_700_000_000, "owned_by": owned_by} for model in ids]
    return 200, json.dumps({"object": "list", "data": data}).encode(), {}


def ollama_tags(names: Sequence[str]) -> Route:
    models = [{"name": name, "model": name, "size": 1_000_000, "details": {"format": "gguf"}} for name in names]
    return 200, json.dumps({"models": models}).encode(), {}


def closed_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_GET(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.paths.append(self.path)
            owner.headers.append({k.lower(): v for k, v in self.headers.items()})
        if owner.delay_s and owner.closing.wait(owner.delay_s):
            return
        status, body, headers = owner.routes.get(self.path, (404, b'{"error": "not found"}', {}))
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: ModelListServer


class ModelListServer:
    """Use as a context manager; `port` is an ephemeral port on 127.0.0.1 (or `host`, another address of this
    machine). `paths` and `headers` (names in lower case) record each request."""

    def __init__(
        self, routes: Mapping[str, Route] | None = None, *, delay_s: float = 0.0, host: str = "127.0.0.1"
    ) -> None:
        self.routes = dict(routes or {})
        self.delay_s = delay_s
        self.host = host
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="model-list", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def __enter__(self) -> ModelListServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
