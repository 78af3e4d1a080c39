"""Finding the model servers already running on this computer (Ollama, LM Studio, llama.cpp, vLLM): each usual
port on the loopback address is asked for its model list, all at once and with a short timeout."""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from tpm_coach.config import LlmProvider, LlmSettings

# Only ever this address: the detector must never reach another machine.
LOOPBACK = "127.0.0.1"
DEFAULT_TIMEOUT_S = 0.8
_MAX_BODY_BYTES = 2_000_000
_MODELS_PATH = "/v1/models"
_OLLAMA_TAGS_PATH = "/api/tags"

SERVER_NAMES: dict[LlmProvider, str] = {
    LlmProvider.OLLAMA: "Ollama",
    LlmProvider.LM_STUDIO: "LM Studio",
    LlmProvider.LLAMA_CPP: "llama.cpp server",
    LlmProvider.VLLM: "vLLM",
    LlmProvider.CUSTOM: "OpenAI-compatible server",
}

# How to get each server going, for when none answered.
START_HINTS: tuple[tuple[str, str], ...] = (
    ("Ollama", "install it from https://ollama.com, then run `ollama pull llama3.1:8b` (it listens on port 11434)"),
    ("LM Studio", "load a model, then start the server in the Developer tab or with `lms server start` (port 1234)"),
    ("llama.cpp", "`llama-server -m model.gguf --port 8080`, or `python -m llama_cpp.server --model model.gguf`"),
    ("vLLM", "`vllm serve Qwen/Qwen2.5-7B-Instruct` (port 8000)"),
)

# What a server says of its models' owner in /v1/models, where that names the server.
_OWNERS: dict[str, LlmProvider] = {
    "vllm": LlmProvider.VLLM,
    "llamacpp": LlmProvider.LLAMA_CPP,  # llama.cpp's llama-server
    "me": LlmProvider.LLAMA_CPP,  # llama-cpp-python's server
    "organization_owner": LlmProvider.LM_STUDIO,
}


class Candidate(NamedTuple):
    """A port to ask, and the server usually found there (the guess when the reply does not say)."""

    provider: LlmProvider
    port: int


DEFAULT_CANDIDATES: tuple[Candidate, ...] = (
    Candidate(LlmProvider.OLLAMA, 11434),
    Candidate(LlmProvider.LM_STUDIO, 1234),
    Candidate(LlmProvider.LLAMA_CPP, 8080),
    Candidate(LlmProvider.VLLM, 8000),
    Candidate(LlmProvider.LLAMA_CPP, 8000),  # llama-cpp-python's server
)


@dataclass(frozen=True)
class FoundServer:
    provider: LlmProvider
    base_url: str
    models: tuple[str, ...]
    port: int
    latency_ms: float
    # What told the server apart ("Ollama's /api/tags", "owned_by 'vllm'"); empty when the provider is a guess
    # from the port alone.
    identified_by: str

    @property
    def guessed(self) -> bool:
        return not self.identified_by

    @property
    def name(self) -> str:
        return SERVER_NAMES.get(self.provider, self.provider.value)

    @property
    def suggested_model(self) -> str:
        """The first model that can chat: servers list their embedding models beside the chat models."""
        chat = [model for model in self.models if "embed" not in model.lower()]
        return (chat or list(self.models) or [""])[0]

    def llm_settings(self, model: str, base: LlmSettings | None = None) -> LlmSettings:
        """LLM settings that score with `model` on this server, keeping the other settings of `base`."""
        values = (base or LlmSettings()).model_dump()
        values.update(provider=self.provider, base_url=self.base_url, model=model)
        return LlmSettings.model_validate(values)

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider.value,
            "base_url": self.base_url,
            "models": list(self.models),
            "name": self.name,
            "port": self.port,
            "latency_ms": round(self.latency_ms, 1),
            "identified_by": self.identified_by or None,
            "guessed": self.guessed,
        }


@dataclass(frozen=True)
class _Reply:
    data: object
    server_header: str
    elapsed_ms: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could point anywhere; the detector stays on the loopback address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    # No proxy: a proxy from the environment would carry the request off this machine.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _read_body(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The body, read piece by piece so a server that trickles bytes cannot hold the probe past its deadline."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the reply took too long")
        chunk = response.read1(65_536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > _MAX_BODY_BYTES:
            raise ValueError("the reply is too large for a model list")
        chunks.append(chunk)


def _get_json(port: int, path: str, timeout_s: float) -> _Reply | None:
    """GET a JSON document from the loopback port; None for anything else (refused, an error status, not JSON)."""
    request = urllib.request.Request(f"http://{LOOPBACK}:{port}{path}", headers={"Accept": "application/json"})
    started = time.monotonic()
    try:
        with _opener().open(request, timeout=timeout_s) as response:
            body = _read_body(response, started + timeout_s)
            server_header = response.headers.get("Server", "")
    except urllib.error.HTTPError as exc:  # an error status: not a model list
        exc.close()
        return None
    except (OSError, http.client.HTTPException, ValueError):  # refused, reset, timed out, malformed
        return None
    elapsed_ms = (time.monotonic() - started) * 1000
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return _Reply(data, server_header, elapsed_ms)


def _openai_model_ids(data: object) -> list[str] | None:
    """The ids in an OpenAI-style model list, or None when `data` is not one."""
    if not isinstance(data, Mapping) or not isinstance(data.get("data"), list):
        return None
    items = data["data"]
    if not all(isinstance(item, Mapping) for item in items):
        return None
    return [item["id"] for item in items if isinstance(item.get("id"), str) and item["id"]]


def _ollama_model_names(data: object) -> list[str] | None:
    if not isinstance(data, Mapping) or not isinstance(data.get("models"), list):
        return None
    names = (item.get("model") or item.get("name") for item in data["models"] if isinstance(item, Mapping))
    return [name for name in names if isinstance(name, str) and name]


def _owners(data: object) -> set[str]:
    items = data.get("data") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        return set()
    return {str(item.get("owned_by")) for item in items if isinstance(item, Mapping) and item.get("owned_by")}


def _identify(models_reply: _Reply | None, tags: list[str] | None) -> tuple[LlmProvider, str] | None:
    """The provider and what gave it away, when the replies say; None when only the port can tell."""
    if tags is not None:
        return LlmProvider.OLLAMA, "answers Ollama's /api/tags"
    if models_reply is None:
        return None
    if "llama.cpp" in models_reply.server_header.lower():
        return LlmProvider.LLAMA_CPP, f"Server header '{models_reply.server_header}'"
    known = sorted(owner for owner in _owners(models_reply.data) if owner in _OWNERS)
    if known:
        return _OWNERS[known[0]], f"models owned_by '{known[0]}'"
    return None


def _server_on(
    port: int, guesses: list[LlmProvider], models_reply: _Reply | None, tags_reply: _Reply | None
) -> FoundServer | None:
    ids = _openai_model_ids(models_reply.data) if models_reply is not None else None
    tags = _ollama_model_names(tags_reply.data) if tags_reply is not None else None
    if ids is None and tags is None:
        return None  # nothing here speaks a model-list protocol
    identified = _identify(models_reply if ids is not None else None, tags)
    provider, identified_by = identified or (guesses[0], "")
    replies = [r for r in (models_reply, tags_reply) if r is not None]
    return FoundServer(
        provider=provider,
        base_url=f"http://{LOOPBACK}:{port}/v1",
        models=tuple(ids if ids is not None else tags or ()),
        port=port,
        latency_ms=min(r.elapsed_ms for r in replies),
        identified_by=identified_by,
    )


def _ports(candidates: Iterable[tuple[LlmProvider, int]]) -> dict[int, list[LlmProvider]]:
    """The ports in the order given, each with its guesses in order."""
    ports: dict[int, list[LlmProvider]] = {}
    for provider, port in candidates:
        if not 0 < int(port) < 65_536:
            raise ValueError(f"not a TCP port: {port}")
        ports.setdefault(int(port), []).append(LlmProvider(provider))
    return ports


def detect_servers(
    candidates: Iterable[tuple[LlmProvider, int]] = DEFAULT_CANDIDATES, timeout_s: float = DEFAULT_TIMEOUT_S
) -> list[FoundServer]:
    """The servers that answered with a model list, in the order of `candidates`.

    Each port gets `GET /v1/models` and `GET /api/tags` (Ollama's own list) at the same time, so the whole
    probe takes about `timeout_s` however many ports are asked. A closed port, an HTTP error, a reply that is
    not a model list or no reply in time all mean "no server here".
    """
    ports = _ports(candidates)
    if not ports:
        return []
    jobs = [(port, path) for port in ports for path in (_MODELS_PATH, _OLLAMA_TAGS_PATH)]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="llm-detect")
    futures = {pool.submit(_get_json, port, path, timeout_s): (port, path) for port, path in jobs}
    # The margin covers thread start-up; a reply still missing by then counts as no reply.
    done, late = concurrent.futures.wait(futures, timeout=timeout_s + 0.5)
    # Finished threads are joined; one still reading is left to end on its own socket timeout.
    pool.shutdown(wait=not late, cancel_futures=True)
    replies: dict[tuple[int, str], _Reply | None] = {futures[f]: f.result() for f in done}
    found = (
        _server_on(port, guesses, replies.get((port, _MODELS_PATH)), replies.get((port, _OLLAMA_TAGS_PATH)))
        for port, guesses in ports.items()
    )
    return [server for server in found if server is not None]


def parse_candidate(text: str) -> Candidate:
    """`PORT` or `PROVIDER:PORT` (e.g. `ollama:11435`); a bare port is guessed to be an OpenAI-compatible server."""
    provider_text, _, port_text = text.rpartition(":")
    try:
        provider = LlmProvider(provider_text.strip().lower()) if provider_text else LlmProvider.CUSTOM
    except ValueError:
        names = ", ".join(p.value for p in SERVER_NAMES)
        raise ValueError(f"unknown provider '{provider_text}' (use one of {names})") from None
    if provider not in SERVER_NAMES:
        names = ", ".join(p.value for p in SERVER_NAMES)
        raise ValueError(f"'{provider.value}' is not a local server (use one of {names})")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"not a port number: '{port_text}'") from None
    if not 0 < port < 65_536:
        raise ValueError(f"not a TCP port: {port}")
    return Candidate(provider, port)
