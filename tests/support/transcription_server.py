"""A real HTTP server on 127.0.0.1 (or another address of this machine) speaking OpenAI's
`/v1/audio/transcriptions` (multipart upload).

The transport is real (sockets, HTTP, multipart bodies parsed as a server would); the *model* is a
fake: each request is answered by a scripted reply. Every request is recorded with its headers, form
fields and the uploaded file, so tests can check what the client sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Upload:
    path: str
    fields: dict[str, list[str]]
    file_name: str
    file_bytes: bytes
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case


@dataclass
class ScriptedReply:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    only_format: str | None = None  # reply 400 unless the request asked for this response_format
    # Send the headers at once, then a byte of JSON whitespace this often until the server closes: a reply
    # that keeps coming, so no read ever times out.
    trickle_every_s: float | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        upload = _parse(self.path, self.headers.get("content-type", ""), raw)
        upload = replace(upload, headers={k.lower(): v for k, v in self.headers.items()})
        owner = self.server.owner
        reply = owner.next_reply(upload)
        if reply.trickle_every_s is not None:
            self._trickle(reply.trickle_every_s)
        elif not self.path.rstrip("/").endswith("/audio/transcriptions"):
            self._send(404, {"error": {"message": "not found"}})
        elif reply.only_format and upload.fields.get("response_format", [""])[0] != reply.only_format:
            self._send(
                400,
                {
                    "error": {
                        "message": "response_format not supported",
                        "type": "invalid_request_error",
                        "param": "response_format",
                        "code": None,
                    }
                },
            )
        else:
            self._send(reply.status, reply.body)

    def _trickle(self, every_s: float) -> None:
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", "1000000")
            self.end_headers()
            self.wfile.flush()
            while not self.server.owner.closing.wait(every_s):
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:  # the client gave up and closed the connection: what a trickle is for
            return

    def _send(self, status: int, body: dict[str, Any] | str) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json" if isinstance(body, dict) else "text/plain")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parse(path: str, content_type: str, raw: bytes) -> Upload:
    message = BytesParser(policy=HTTP).parsebytes(b"content-type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields: dict[str, list[str]] = {}
    file_name, file_bytes = "", b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
        if part.get_filename():
            file_name, file_bytes = part.get_filename() or "", payload
        elif isinstance(name, str):
            fields.setdefault(name, []).append(payload.decode())
    return Upload(path, fields, file_name, file_bytes)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: TranscriptionStubServer


class TranscriptionStubServer:
    """Use as a context manager; `script(...)` queues replies, then `default` answers."""

    def __init__(self, default: ScriptedReply | None = None, *, host: str = "127.0.0.1") -> None:
        self.uploads: list[Upload] = []
        self.default = default or ScriptedReply(500, {"error": {"message": "no scripted reply left"}})
        self.host = host
        self.closing = threading.Event()
        self._queue: list[ScriptedReply] = []
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="transcription-stub", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._httpd.server_address[1]}/v1"

    def script(self, *replies: ScriptedReply) -> TranscriptionStubServer:
        with self._lock:
            self._queue.extend(replies)
        return self

    def next_reply(self, upload: Upload) -> ScriptedReply:
        with self._lock:
            self.uploads.append(upload)
            return self._queue.pop(0) if self._queue else self.default

    def __enter__(self) -> TranscriptionStubServer:
        self._thread.start()
        return self

    def wait_for_uploads(self, count: int, timeout_s: float = 10.0) -> bool:
        """True once `count` requests have arrived (False if they did not within the timeout)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.uploads) >= count:
                    return True
            self.closing.wait(0.01)
        return False

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
