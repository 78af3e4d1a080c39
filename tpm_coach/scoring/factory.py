"""Choosing and building a scorer from the settings: the LLM when one is configured, else the offline scorer."""

from __future__ import annotations

from collections.abc import Callable

from tpm_coach.call_guard import Cancellation
from tpm_coach.config import LlmSettings
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.scoring.offline import OfflineScorer
from tpm_coach.scoring.partial import ProgressCallback


def resolve_choice(choice: str, settings: LlmSettings) -> str:
    """'auto' means the LLM when one is configured, otherwise the offline scorer."""
    if choice == "auto":
        return "llm" if settings.enabled else "offline"
    if choice not in ("llm", "offline"):
        raise ScoringError(f"unknown scorer '{choice}'", "use 'llm', 'offline' or 'auto'")
    return choice


def build_scorer(
    choice: str,
    settings: LlmSettings,
    api_key: str | None = None,
    *,
    cancellation: Cancellation | None = None,
    on_progress: ProgressCallback | None = None,
) -> Scorer:
    """The scorer `choice` names; an LLM scorer's calls stop when `cancellation` is cancelled, and a streaming
    one tells `on_progress` how far its reply is (from the scoring thread)."""
    kind = resolve_choice(choice, settings)
    if kind == "offline":
        return OfflineScorer()
    # The openai package is only imported when an LLM is actually used.
    from tpm_coach.scoring.llm import connect_scorer
    from tpm_coach.secrets import get_api_key

    if not settings.enabled and not settings.base_url:
        raise ScoringError(
            "No LLM is configured, so this answer cannot be scored with an LLM",
            "choose a provider in Settings > LLM (or set TPM_COACH_LLM_PROVIDER), or use the offline scorer",
        )
    key = api_key if api_key is not None else get_api_key()
    return connect_scorer(settings, key, cancellation=cancellation, on_progress=on_progress)


def scorer_factory(
    settings: LlmSettings | Callable[[], LlmSettings],
    api_key: str | None = None,
    *,
    cancellation: Cancellation | None = None,
    on_progress: ProgressCallback | None = None,
) -> Callable[[ScorerChoice], Scorer]:
    """A factory for ScoringService. Pass a callable returning the current LLM settings and each scoring
    request uses the settings as they are then, so a change in Settings applies to the next answer.
    `cancellation` stops every LLM call the factory's scorers make (the app calls it when closing);
    `on_progress` hears how far a streamed reply is."""

    def build(choice: ScorerChoice) -> Scorer:
        current = settings() if callable(settings) else settings
        return build_scorer(choice, current, api_key, cancellation=cancellation, on_progress=on_progress)

    return build
