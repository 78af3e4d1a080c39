"""Scoring with an LLM through the `openai` client: OpenAI or any OpenAI-compatible server.

Chat Completions with a strict JSON-schema response format (JSON mode plus validation where a server has
no schemas), our own retries (so 429 retry-after is respected and counted), one repair retry for an
unusable reply, and quotes checked against the answer before anything is returned. Replies from a local
server are streamed, so each criterion can be shown as it arrives and a server that stops sending is noticed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, cast
from urllib.parse import urlsplit

import openai

from tpm_coach.call_guard import CallCancelled, CallGuard, CallTimedOut, Cancellation
from tpm_coach.config import LOCAL_PROVIDERS, LlmProvider, LlmSettings
from tpm_coach.domain import Competency, DeliveryMetrics, Question, ScoreResult
from tpm_coach.errors import ScoringCancelledError, ScoringError
from tpm_coach.openai_errors import KEY_HINT, Endpoint, explain
from tpm_coach.plain_http import check_key_transport, is_loopback
from tpm_coach.scoring.overall import overall_score
from tpm_coach.scoring.partial import ProgressCallback, StreamProgress
from tpm_coach.scoring.prompts import build_repair_message, build_scoring_prompt, is_behavioral
from tpm_coach.scoring.reply import (
    InvalidReply,
    ReplyLimits,
    feedback_fields,
    parse_reply,
    reply_json_schema,
    verified_criteria,
)
from tpm_coach.scoring.text import ensure_answer_present
from tpm_coach.scoring.traps import apply_cap, find_traps, strictest, trap_caps

# Response formats, best first: OpenAI-style strict schema (OpenAI, vLLM, Ollama, LM Studio, llama.cpp's
# llama-server); a schema inside JSON mode (llama-cpp-python's server); plain JSON mode plus validation.
STRICT_SCHEMA, SCHEMA_IN_JSON_MODE, JSON_MODE = 0, 1, 2
LOCAL_API_KEY = "not-needed"  # local servers ignore the key, but the client insists on one
_BACKOFF_BASE_S = 0.5
_BACKOFF_CAP_S = 8.0
_SAVED_HINT = "the answer is saved and can be scored again later"


def build_openai_client(settings: LlmSettings, api_key: str | None, *, guard: CallGuard | None = None) -> openai.OpenAI:
    """A client for the configured server. The client's own retries are off: LlmScorer retries itself.

    With a `guard`, the guard can cut the client's calls (give the same guard to LlmScorer). Raises
    InsecureTransportError when the key would go unencrypted to another computer not yet allowed.
    """
    base_url = settings.resolved_base_url()
    if not base_url:
        raise ScoringError("No LLM server is configured", "choose a provider and base URL in Settings > LLM")
    if not api_key and needs_api_key(settings):
        # Said before any call: without a key the cloud's refusal (or no network) would read like a server to start.
        raise ScoringError(
            f"No API key is set for {base_url}: a cloud provider needs one",
            KEY_HINT.replace("Settings > LLM", "Settings > Scoring"),
        )
    check_key_transport(base_url, api_key, settings.allow_plain_http_hosts)
    http_client = None if guard is None else openai.DefaultHttpxClient(event_hooks={"request": [guard.on_request]})
    return openai.OpenAI(
        base_url=base_url,
        api_key=api_key or LOCAL_API_KEY,
        timeout=settings.timeout_s,
        max_retries=0,
        http_client=http_client,
    )


# Hosted APIs that always need a key; any other custom server (one on a LAN, say) may run without one.
_CLOUD_HOSTS = ("api.openai.com", "openrouter.ai", "api.groq.com", "api.together.xyz", "api.mistral.ai")


def needs_api_key(settings: LlmSettings) -> bool:
    """Whether the configured server is a cloud provider, which refuses every call made without a key."""
    if settings.provider is LlmProvider.OPENAI:
        return True
    host = urlsplit(settings.resolved_base_url()).hostname or ""
    return any(host == cloud or host.endswith("." + cloud) for cloud in _CLOUD_HOSTS)


def runs_locally(settings: LlmSettings) -> bool:
    """A server on this computer: a local provider's, or a custom URL on the loopback address."""
    if settings.provider in LOCAL_PROVIDERS:
        return True
    host = urlsplit(settings.resolved_base_url()).hostname or ""
    return settings.provider is LlmProvider.CUSTOM and is_loopback(host)


def streams(settings: LlmSettings) -> bool:
    return settings.stream if settings.stream is not None else runs_locally(settings)


def connect_scorer(
    settings: LlmSettings,
    api_key: str | None,
    *,
    cancellation: Cancellation | None = None,
    on_progress: ProgressCallback | None = None,
    **options: Any,
) -> LlmScorer:
    """An LlmScorer with its own client for the configured server, whose calls `cancellation` can stop.

    A streamed reply may take `stream_timeout_s` in all and pause at most `timeout_s`; a whole one may take
    `timeout_s`. `options` override LlmScorer's keyword arguments taken from the settings.
    """
    guard = CallGuard(cancellation)
    client = build_openai_client(settings, api_key, guard=guard)
    stream = bool(options.pop("stream", streams(settings)))
    limits: dict[str, Any] = (
        {"timeout_s": settings.stream_timeout_s, "idle_timeout_s": settings.timeout_s}
        if stream
        else {"timeout_s": settings.timeout_s}
    )
    chosen: dict[str, Any] = {
        **limits,
        "stream": stream,
        "max_retries": settings.max_retries,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        "on_progress": on_progress,
        **options,
    }
    return LlmScorer(client, settings.resolved_model(), guard=guard, owns_client=True, **chosen)


@dataclass
class _Completion:
    content: str | None
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None


class _MalformedBody(Exception):
    """The HTTP body was not valid JSON (the client raises json.JSONDecodeError for it)."""


class _Stalled(Exception):
    """A streamed reply sent nothing for `seconds`: the server has hung, or died without closing the connection."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"nothing received for {seconds:g} s")
        self.seconds = seconds


class LlmScorer:
    """Scores one answer per call; thread-compatible but not meant to be shared across threads.

    Each request may take `timeout_s` in all (not per read), and one `score()` with its retries and repair
    `deadline_s` (default: a timeout for each attempt the retries allow and one for the repair, plus the
    longest pause between retries). The limits and `cancel()` can end a blocked request only when the
    client was built with the same `guard` (build_openai_client, or simply connect_scorer); otherwise a
    request ends at the client's per-read timeout.

    With `stream`, the reply arrives in pieces: `on_progress` hears after each one how many have arrived and
    which criteria are complete (provisional: the whole reply is still validated), and a reply that sends
    nothing for `idle_timeout_s` ends scoring at once, without a retry, since the server has stopped.
    """

    kind = "llm"

    def __init__(
        self,
        client: openai.OpenAI,
        model: str,
        *,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        stream: bool = False,
        idle_timeout_s: float | None = None,
        on_progress: ProgressCallback | None = None,
        max_retry_after_s: float = 30.0,
        reply_limits: ReplyLimits | None = None,
        owns_client: bool = False,
        guard: CallGuard | None = None,
        deadline_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if not model:
            raise ScoringError("No LLM model is configured", "set the model name in Settings > LLM")
        self.client = client
        self.model = model
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.stream = stream
        self.idle_timeout_s = idle_timeout_s
        self.on_progress = on_progress
        self.max_retry_after_s = max_retry_after_s
        self.reply_limits = reply_limits
        self._owns_client = owns_client
        self.guard = guard or CallGuard()
        self.deadline_s = deadline_s if deadline_s is not None else timeout_s * (max_retries + 2) + _BACKOFF_CAP_S
        self._clock = clock
        # The pause between retries ends early on cancel().
        self._sleep = sleep or self.guard.wait
        # Which response format this server accepts (see _response_format); learnt once per instance.
        self.format_level = STRICT_SCHEMA

    @property
    def base_url(self) -> str:
        return str(self.client.base_url).rstrip("/")

    def close(self) -> None:
        """Release the HTTP connections, when this scorer created the client (see build_scorer)."""
        if self._owns_client:
            self.client.close()

    def cancel(self) -> None:
        """Stop scoring from any thread: a `score()` under way raises ScoringCancelledError within moments."""
        self.guard.cancel()

    # -- scoring -------------------------------------------------------------------------------
    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        ensure_answer_present(transcript)
        try:
            return self._score(question, competency, transcript)
        except CallCancelled as exc:
            raise ScoringCancelledError("Scoring was cancelled", _SAVED_HINT) from exc

    def _score(self, question: Question, competency: Competency, transcript: str) -> ScoreResult:
        prompt = build_scoring_prompt(question, competency, transcript)
        schema = reply_json_schema(competency, is_behavioral(question), self.reply_limits)
        messages = list(prompt.messages)
        versions = [prompt.version]
        tokens: list[int | None] = [None, None]
        notes: list[str] = []
        caps = trap_caps(find_traps(question, competency, transcript), competency, offline=False)
        cap = strictest(caps)
        ceiling = cap.value if cap else None
        progress = StreamProgress(competency, self.on_progress, ceiling) if self.stream and self.on_progress else None
        started = self._clock()
        ends_at = started + self.deadline_s
        repaired = False
        while True:
            try:
                completion = self._complete(messages, schema, notes, ends_at, progress)
            except _MalformedBody as exc:
                if repaired:
                    raise ScoringError(
                        f"The LLM server at {self.base_url} sent a malformed reply twice", _SAVED_HINT
                    ) from exc
                repaired = True
                continue
            _add_tokens(tokens, completion)
            try:
                if completion.finish_reason == "length":
                    raise InvalidReply(["the reply was cut off at the length limit: keep every text field short"])
                reply = parse_reply(completion.content, competency)
                break
            except InvalidReply as exc:
                if repaired:
                    raise ScoringError(
                        f"The LLM's reply could not be used after one repair attempt: {'; '.join(exc.problems)}",
                        "try again, or use a larger model (Settings > LLM); " + _SAVED_HINT,
                    ) from exc
                repaired = True
                repair, version = build_repair_message(exc.problems, competency)
                versions.append(version)
                messages = [*prompt.messages, {"role": "assistant", "content": completion.content or ""}, repair]
        latency_ms = round((self._clock() - started) * 1000)
        criteria, quote_notes = verified_criteria(reply, competency, transcript)
        criteria = apply_cap(criteria, cap)
        return ScoreResult(
            overall=overall_score(criteria, competency.rubric),
            scale_min=competency.rubric.scale.min,
            scale_max=competency.rubric.scale.max,
            criteria=criteria,
            **feedback_fields(reply, question),
            scorer="llm",
            model=self.model,
            prompt_version="+".join(versions),
            prompt_tokens=tokens[0],
            completion_tokens=tokens[1],
            latency_ms=latency_ms,
            notes=notes + [c.note for c in caps] + quote_notes,
        )

    # -- one completion, with transport retries and the JSON-mode fallback ----------------------
    def _complete(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        notes: list[str],
        ends_at: float,
        progress: StreamProgress | None,
    ) -> _Completion:
        failures = 0
        error: Exception
        while True:
            remaining = ends_at - self._clock()
            if remaining <= 0:
                raise self._out_of_time(failures)
            seconds = min(self.timeout_s, remaining)
            try:
                return self._request(messages, schema, notes, seconds, progress)
            except json.JSONDecodeError as exc:
                raise _MalformedBody() from exc
            except _Stalled as exc:
                raise self._stalled(exc.seconds) from exc
            except (CallTimedOut, openai.APITimeoutError) as exc:
                if seconds < self.timeout_s:  # what ran out was the whole scoring's time, not this request's
                    raise self._out_of_time(failures + 1) from exc
                delay, error = _backoff(failures), exc
            except openai.RateLimitError as exc:
                after = _retry_after(exc.response.headers)
                delay = min(_backoff(failures) if after is None else after, self.max_retry_after_s)
                error = exc
            except openai.APIStatusError as exc:
                if exc.status_code < 500:
                    raise self._explain(exc) from exc
                delay, error = _backoff(failures), exc
            except openai.APIConnectionError as exc:
                delay, error = _backoff(failures), exc
            except openai.APIError as exc:  # e.g. an error event inside a stream: the server's own failure
                delay, error = _backoff(failures), exc
            failures += 1
            if failures > self.max_retries or self._clock() + delay >= ends_at:
                raise self._explain(error, failures) from error
            self._sleep(delay)
            self.guard.check()

    def _request(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        notes: list[str],
        seconds: float,
        progress: StreamProgress | None,
    ) -> _Completion:
        level = self.format_level
        # The client's timeout bounds each read, so for a stream it is the longest pause allowed; the guard
        # bounds the whole request. A pause limit at or beyond that would only race the guard.
        idle = self.idle_timeout_s if self.stream and self.idle_timeout_s and self.idle_timeout_s < seconds else None
        while True:
            try:
                with self.guard.call(seconds):
                    completion = self._send(messages, _response_format(level, schema), seconds, idle, progress)
            except openai.APITimeoutError as exc:
                if idle is not None:  # the guard did not cut the call, so a read waited `idle` seconds
                    raise _Stalled(idle) from exc
                raise
            except openai.APIStatusError as exc:
                if level < JSON_MODE and _rejects_format(exc):
                    level += 1
                    continue
                raise
            # Remembered only once a format has worked, so a passing failure never downgrades the scorer.
            self.format_level = level
            note = "This server does not support JSON schemas; its reply was checked in JSON mode."
            if level == JSON_MODE and note not in notes:
                notes.append(note)
            return completion

    def _send(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any],
        seconds: float,
        idle: float | None,
        progress: StreamProgress | None,
    ) -> _Completion:
        # The wire format is plain dicts; the client's TypedDict overloads cannot see that, hence the casts.
        max_tokens = self.max_tokens if self.max_tokens is not None else openai.omit
        if self.stream:
            timeout = openai.Timeout(idle) if idle is not None else seconds
            return self._send_streaming(messages, response_format, max_tokens, timeout, progress)
        response = self.client.chat.completions.create(
            model=self.model,
            messages=cast(Any, messages),
            response_format=cast(Any, response_format),
            temperature=self.temperature,
            max_tokens=max_tokens,
            timeout=seconds,
        )
        if not response.choices:
            return _Completion(None, None, *_usage(response.usage))
        choice = response.choices[0]
        return _Completion(choice.message.content, choice.finish_reason, *_usage(response.usage))

    def _send_streaming(
        self,
        messages: list[dict[str, str]],
        response_format: dict[str, Any],
        max_tokens: int | openai.Omit,
        timeout: float | openai.Timeout,
        progress: StreamProgress | None,
    ) -> _Completion:
        parts: list[str] = []
        finish: str | None = None
        usage: tuple[int | None, int | None] = (None, None)
        if progress is not None:
            progress.restart()
        with self.client.chat.completions.create(
            model=self.model,
            messages=cast(Any, messages),
            response_format=cast(Any, response_format),
            temperature=self.temperature,
            max_tokens=max_tokens,
            timeout=timeout,
            stream=True,
            stream_options={"include_usage": True},
        ) as chunks:
            for chunk in chunks:
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        if progress is not None:
                            progress.add(choice.delta.content)
                    finish = choice.finish_reason or finish
        return _Completion("".join(parts), finish, *usage)

    # -- errors a person can act on --------------------------------------------------------------
    def _explain(self, error: BaseException, attempts: int | None = None) -> ScoringError:
        endpoint = Endpoint("LLM server", self.base_url, self.model, "Settings > LLM")
        key = self.client.api_key
        limit = error.seconds if isinstance(error, CallTimedOut) else self.timeout_s
        message, hint = explain(
            error, endpoint, attempts=attempts, timeout_s=limit, secrets=() if key == LOCAL_API_KEY else (key,)
        )
        return ScoringError(message, f"{hint}; {_SAVED_HINT}" if hint else _SAVED_HINT)

    def _stalled(self, seconds: float) -> ScoringError:
        return ScoringError(
            f"The LLM server at {self.base_url} sent nothing for {seconds:g} s while writing its reply, "
            "so scoring was stopped",
            "check that the server is still running and has memory to spare; if it only needs longer before it "
            f"starts to answer, raise the timeout (Settings > LLM); {_SAVED_HINT}",
        )

    def _out_of_time(self, attempts: int) -> ScoringError:
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        return ScoringError(
            f"The LLM server at {self.base_url} did not finish scoring within {self.deadline_s:g} s ({tries})",
            "check that the server is running; a local model may need a longer timeout or a smaller model "
            f"(Settings > LLM); {_SAVED_HINT}",
        )


def _response_format(level: int, schema: dict[str, Any]) -> dict[str, Any]:
    if level == STRICT_SCHEMA:
        return {"type": "json_schema", "json_schema": {"name": "interview_score", "strict": True, "schema": schema}}
    if level == SCHEMA_IN_JSON_MODE:
        return {"type": "json_object", "schema": schema}
    return {"type": "json_object"}


def _rejects_format(exc: openai.APIStatusError) -> bool:
    """Did the server refuse the response format itself? Servers word and code this differently: most send
    400 or 422, and llama-cpp-python sends a 500 carrying its request validation error, the only case where
    the body is looked at (for the parameter's name, not for wording)."""
    if exc.status_code in (400, 422):
        return True
    return exc.status_code == 500 and "response_format" in json.dumps(exc.body, default=str)


def _add_tokens(tokens: list[int | None], completion: _Completion) -> None:
    for i, value in enumerate((completion.prompt_tokens, completion.completion_tokens)):
        if value is not None:
            tokens[i] = (tokens[i] or 0) + value


def _usage(usage: Any) -> tuple[int | None, int | None]:
    if usage is None:
        return None, None
    return getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None)


def _backoff(failures: int) -> float:
    return float(min(_BACKOFF_BASE_S * 2**failures, _BACKOFF_CAP_S))


def _retry_after(headers: Any) -> float | None:
    """Seconds from `retry-after-ms`, `retry-after` (seconds or an HTTP date); None when absent or odd."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
