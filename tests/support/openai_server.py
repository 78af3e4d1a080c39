"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol with scripted replies.

The transport is real (sockets, HTTP/1.1, SSE framing, status codes and headers), so the `openai`
client and its httpx2 stack run unchanged. The *model* is a fake: each request is answered by the next
scripted `Reply` (or a callable that builds one from the request). Every request received is recorded
so tests can assert what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "OpenAIStubServer",
    "RecordedRequest",
    "Reply",
    "chat_completion_body",
    "error_reply",
    "json_reply",
    "rejects_json_schema",
    "repeats_the_key",
    "score_payload",
]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def response_format(self) -> dict[str, Any] | None:
        value = self.body.get("response_format")
        return value if isinstance(value, dict) else None

    def text(self) -> str:
        """All message contents joined: what the model was shown."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


@dataclass
class Reply:
    """One scripted HTTP answer.

    `content` is the assistant message for a 200; `raw_body` replaces the whole body (e.g. a truncated
    JSON document); `delay_s` holds the reply back (the wait ends early when the server closes);
    a request with `"stream": true` gets SSE chunks of `content` unless `raw_body` is given.
    With `trickle_every_s`, a 200 spends `delay_s` trickling instead of staying silent: the headers at once,
    then a byte of JSON whitespace (or an SSE comment, when streaming) this often, then the reply.
    """

    status: int = 200
    content: str = ""
    raw_body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    finish_reason: str = "stop"
    prompt_tokens: int = 321
    completion_tokens: int = 123
    chunk_chars: int = 17
    stream_cut_after: int | None = None  # stop a stream after this many content chunks, without [DONE]
    stream_error_after: int | None = None  # send an error event after this many content chunks
    stream_stall_after: int | None = None  # fall silent after this many content chunks, keeping the connection
    trickle_every_s: float | None = None


Responder = Reply | Callable[[RecordedRequest], Reply]


def chat_completion_body(
    content: str, model: str, finish_reason: str, prompt_tokens: int, completion_tokens: int
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def score_payload(
    criterion_ids: list[str],
    scores: dict[str, int] | int = 3,
    quotes: dict[str, list[str]] | None = None,
    *,
    sentences: dict[str, list[int]] | None = None,
    star: dict[str, bool] | None = None,
) -> dict[str, Any]:
    """A well-formed scoring reply as the prompt asks for it (criteria keyed by id). Unless quotes or sentence
    numbers are given, every criterion cites the answer's first sentence, so its score is backed."""
    if sentences is None:
        sentences = {cid: [1] for cid in criterion_ids} if quotes is None else {}
    quotes = quotes or {}
    payload: dict[str, Any] = {
        "criteria": {
            cid: {
                "sentences": sentences.get(cid, []),
                "score": scores if isinstance(scores, int) else scores[cid],
                "rationale": f"Rationale for {cid}.",
                **({"evidence": quotes[cid]} if cid in quotes else {}),
            }
            for cid in criterion_ids
        },
        "strengths": ["Clear opening."],
        "improvements": ["Give a number for the outcome."],
        "stronger_answer": ["State the goal", "Name the trade-off", "Give the result"],
        "follow_up": "What would you do differently?",
    }
    if star is not None:
        payload["star"] = star
    return payload


def json_reply(payload: dict[str, Any], **kwargs: Any) -> Reply:
    return Reply(content=json.dumps(payload), **kwargs)


def error_reply(status: int, message: str, *, param: str | None = None, **kwargs: Any) -> Reply:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": None}}
    return Reply(status=status, raw_body=json.dumps(body).encode(), **kwargs)


def rejects_json_schema(then: Reply, *, style: str = "openai") -> Callable[[RecordedRequest], Reply]:
    """A server without OpenAI-style structured outputs: `then` for other formats.

    style "openai": HTTP 400 naming the parameter; "llama-cpp-python": HTTP 500 carrying its request
    validation error, as llama_cpp.server does; "no-schemas": 400 for any schema, also inside JSON mode.
    """

    def respond(request: RecordedRequest) -> Reply:
        fmt = request.response_format or {}
        if fmt.get("type") == "json_schema":
            if style == "llama-cpp-python":
                message = (
                    "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', "
                    "'type'), 'msg': \"Input should be 'text' or 'json_object'\"}"
                )
                body = {"error": {"message": message, "type": "internal_server_error", "param": None, "code": None}}
                return Reply(status=500, raw_body=json.dumps(body).encode())
            return error_reply(400, "response_format json_schema is not supported", param="response_format")
        if style == "no-schemas" and "schema" in fmt:
            return error_reply(422, "unexpected field 'schema'", param="response_format")
        return then

    return respond


def repeats_the_key(status: int = 401) -> Callable[[RecordedRequest], Reply]:
    """A gateway that refuses the key and quotes it back, as some do: the client must not pass that on."""

    def respond(request: RecordedRequest) -> Reply:
        key = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return error_reply(status, f"Incorrect API key provided: {key}. Check the key you sent: {key}")

    return respond


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        request = RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        owner = self.server.owner
        reply = owner._next_reply(request)
        if reply.trickle_every_s and reply.status == 200 and reply.raw_body is None:
            try:
                self._trickle(reply, body)
            except OSError:  # the client gave up and closed the connection: what a trickle test expects
                self.close_connection = True
            return
        if reply.delay_s and owner._closing.wait(reply.delay_s):
            return
        if not request.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, b'{"error": {"message": "not found"}}', {})
            return
        if reply.raw_body is not None or reply.status != 200:
            self._send(reply.status, reply.raw_body or b"{}", reply.headers)
            return
        model = str(body.get("model", "stub-model"))
        if body.get("stream"):
            self._stream(reply, model, include_usage=bool((body.get("stream_options") or {}).get("include_usage")))
            return
        payload = chat_completion_body(
            reply.content, model, reply.finish_reason, reply.prompt_tokens, reply.completion_tokens
        )
        self._send(200, json.dumps(payload).encode(), reply.headers)

    def _trickle(self, reply: Reply, body: dict[str, Any]) -> None:
        every = reply.trickle_every_s or 1.0
        ticks = max(1, round(reply.delay_s / every))
        model = str(body.get("model", "stub-model"))
        streaming = bool(body.get("stream"))
        completion = chat_completion_body(
            reply.content, model, reply.finish_reason, reply.prompt_tokens, reply.completion_tokens
        )
        payload = json.dumps(completion).encode()
        self.send_response(200)
        if streaming:
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.close_connection = True
        else:
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(ticks + len(payload)))
        self.end_headers()
        self.wfile.flush()
        for _ in range(ticks):
            if self.server.owner._closing.wait(every):
                self.close_connection = True
                return
            self.wfile.write(b": keep-alive\n\n" if streaming else b" ")
            self.wfile.flush()
        if streaming:
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self._stream(reply, model, include_usage, headers_sent=True)
        else:
            self.wfile.write(payload)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, reply: Reply, model: str, include_usage: bool, *, headers_sent: bool = False) -> None:
        if not headers_sent:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("connection", "close")
            self.end_headers()
        self.close_connection = True
        pieces = [reply.content[i : i + reply.chunk_chars] for i in range(0, len(reply.content), reply.chunk_chars)]
        base = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model}
        events: list[dict[str, Any]] = [
            {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
        ]
        events += [{**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
        events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]})
        if include_usage:
            usage = {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            }
            events.append({**base, "choices": [], "usage": usage})
        if reply.stream_cut_after is not None:
            events = events[: 1 + reply.stream_cut_after]
        if reply.stream_error_after is not None:
            error = {"error": {"message": "the model crashed", "type": "server_error"}}
            events = [*events[: 1 + reply.stream_error_after], error]
        stalled = reply.stream_stall_after is not None
        if stalled:
            events = events[: 1 + (reply.stream_stall_after or 0)]
        for event in events:
            self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            self.wfile.flush()
        if stalled:  # a hung server: the connection stays open and nothing more comes until the server closes
            self.server.owner._closing.wait()
            return
        if reply.stream_cut_after is None:
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()


def _is_warm_up(request: RecordedRequest) -> bool:
    body = request.body
    return body.get("max_tokens") == 1 and "response_format" not in body and not body.get("stream")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: OpenAIStubServer


class OpenAIStubServer:
    """Serve scripted chat completions on 127.0.0.1 (or `host`); use as a context manager.

    `script(...)` queues replies in order; once the queue is empty `default` answers (a 500 unless set).
    The app's warm-ups (tpm_coach/scoring/warm.py: one token, no reply format, sent as a question is shown) are
    answered at once and kept apart in `warm_ups`, so scripted replies and `requests` stay the scoring requests'.
    """

    def __init__(self, default: Responder | None = None, *, host: str = "127.0.0.1") -> None:
        self.requests: list[RecordedRequest] = []
        self.warm_ups: list[RecordedRequest] = []
        self.default: Responder = default or error_reply(500, "no scripted reply left")
        self.host = host
        self._queue: list[Responder] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="openai-stub", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def script(self, *replies: Responder) -> OpenAIStubServer:
        with self._lock:
            self._queue.extend(replies)
        return self

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            if _is_warm_up(request):
                self.warm_ups.append(request)
                return Reply(content=" ")
            self.requests.append(request)
            responder = self._queue.pop(0) if self._queue else self.default
        return responder(request) if callable(responder) else responder

    def start(self) -> OpenAIStubServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIStubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_for_requests(self, count: int, timeout_s: float = 5.0) -> list[RecordedRequest]:
        """Requests seen so far once at least `count` arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            self._closing.wait(0.01)
        with self._lock:
            return list(self.requests)
