"""Transcription by any OpenAI-compatible `/v1/audio/transcriptions` server (OpenAI, speaches, vLLM ...).

Each transcription has a deadline for all of it, and `close()` ends one under way at once (see CallGuard).
"""

from __future__ import annotations

import io
import wave
from typing import TYPE_CHECKING, Any

import numpy as np

from tpm_coach.call_guard import CallCancelled, CallGuard, CallTimedOut
from tpm_coach.domain.attempt import Transcript, Word
from tpm_coach.errors import TranscriptionError
from tpm_coach.transcription.engine import SAMPLE_RATE, FloatArray, clean_word, speech_prompt, spread_words

DEADLINE_S = 120.0  # for one transcription, a retry and the plain-JSON fallback included
_KEPT = "the recording is kept and can be transcribed again"

if TYPE_CHECKING:
    import openai


def wav_bytes(audio: FloatArray, samplerate: int = SAMPLE_RATE) -> bytes:
    """16-bit mono WAV in memory: what every transcription server accepts."""
    pcm = np.round(np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(samplerate)
        writer.writeframes(pcm)
    return buffer.getvalue()


class RemoteEngine:
    """A TranscriptionEngine over an injected `openai.OpenAI` client pointed at a transcription server.

    Asks for `verbose_json` with word timestamps; a server that rejects that format is asked again
    for plain JSON, and segment or whole-text timings are spread over the words. A transcription ends with
    TranscriptionError after `deadline_s` in all, or when `close()` is called from another thread; the
    request itself is cut then only if the client reports its connections to `guard` (create_engine's does),
    otherwise it runs to the client's own timeout first.
    """

    engine_name = "remote"

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        model: str,
        language: str = "en",
        guard: CallGuard | None = None,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        self._client = client
        self._model = model
        self._language = language
        self._verbose = True
        self._guard = guard or CallGuard()
        self._deadline_s = deadline_s

    @property
    def model_name(self) -> str:
        return self._model

    def prepare(self) -> None:
        """Nothing to load: the server holds the model."""

    def close(self) -> None:
        """Stop a transcription under way, refuse later ones, and release the connections (the app is closing,
        or the settings changed)."""
        self._guard.cancel()
        self._client.close()

    def transcribe(self, audio: FloatArray, *, initial_prompt: str | None = None, draft: bool = False) -> Transcript:
        import openai

        from tpm_coach.openai_errors import Endpoint, explain

        samples = np.asarray(audio, dtype=np.float32).reshape(-1)
        if len(samples) < SAMPLE_RATE // 10:
            return Transcript(text="", engine=self.engine_name, model=self._model)
        payload = wav_bytes(samples)
        duration = len(samples) / SAMPLE_RATE
        base_url = str(self._client.base_url).rstrip("/")
        try:
            with self._guard.call(self._deadline_s):
                # Servers running Whisper keep fillers only when the prompt shows them, as the local model does.
                response = self._request(payload, speech_prompt(initial_prompt))
        except CallCancelled as exc:
            raise TranscriptionError("transcription was stopped because the app is closing", _KEPT) from exc
        except CallTimedOut as exc:
            raise TranscriptionError(
                f"the transcription server at {base_url} did not finish within {exc.seconds:g} s",
                f"check that the server is running and not overloaded; {_KEPT}",
            ) from exc
        except (openai.APIError, ValueError) as exc:  # ValueError: a body that is not JSON
            endpoint = Endpoint("transcription server", base_url, self._model, "Settings > Transcription")
            raise TranscriptionError(*explain(exc, endpoint, secrets=[self._client.api_key])) from exc
        return self._to_transcript(response, duration)

    def _request(self, payload: bytes, prompt: str | None) -> Any:
        import openai

        extra: dict[str, Any] = {"prompt": prompt} if prompt else {}
        if self._language:
            extra["language"] = self._language
        file = ("answer.wav", payload, "audio/wav")
        if self._verbose:
            try:
                return self._client.audio.transcriptions.create(
                    file=file,
                    model=self._model,
                    response_format="verbose_json",
                    timestamp_granularities=["word", "segment"],
                    **extra,
                )
            except openai.BadRequestError:
                # Some servers only speak plain JSON; remember that and ask again.
                self._verbose = False
        return self._client.audio.transcriptions.create(file=file, model=self._model, response_format="json", **extra)

    def _to_transcript(self, response: Any, duration: float) -> Transcript:
        raw_text = response if isinstance(response, str) else str(getattr(response, "text", "") or "")
        text = " ".join(raw_text.split())
        words: list[Word] = []
        for raw in getattr(response, "words", None) or []:
            word = clean_word(str(_field(raw, "word")), float(_field(raw, "start")), float(_field(raw, "end")))
            if word is not None:
                words.append(word)
        if not words:
            for segment in getattr(response, "segments", None) or []:
                words.extend(
                    spread_words(
                        str(_field(segment, "text")), float(_field(segment, "start")), float(_field(segment, "end"))
                    )
                )
        if not words and text:
            words = spread_words(text, 0.0, duration)
        return Transcript(
            text=text, words=words, language=self._language or "en", engine=self.engine_name, model=self._model
        )


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name)
