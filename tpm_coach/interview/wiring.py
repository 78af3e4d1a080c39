"""Building an interview's services from the app's settings, shared by the command line and the GUI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tpm_coach.config import Settings
from tpm_coach.domain import DeliveryMetrics, Transcript
from tpm_coach.interview.engine import InterviewServices
from tpm_coach.interview.probes import BankProber, Prober
from tpm_coach.paths import DataPaths
from tpm_coach.practice.answers import AnswerStore
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.scoring.factory import resolve_choice, scorer_factory


def _delivery(transcript: Transcript) -> DeliveryMetrics:
    from tpm_coach.language import compute_delivery_metrics

    return compute_delivery_metrics(transcript)


def choose_prober(settings: Settings, choice: ScorerChoice, api_key: str | None = None) -> Prober:
    """A generated probe when the answers are judged by an LLM, the bank's follow-ups otherwise."""
    if resolve_choice(choice, settings.llm) != "llm":
        return BankProber()
    from tpm_coach.interview.llm_probe import LlmProber
    from tpm_coach.secrets import get_api_key

    return LlmProber(settings.llm, api_key if api_key is not None else get_api_key())


def build_interview_services(
    settings: Settings,
    data_paths: DataPaths,
    choice: ScorerChoice = "auto",
    *,
    scorers: Callable[[ScorerChoice], Scorer] | None = None,
    prober: Prober | None = None,
) -> InterviewServices:
    return InterviewServices(
        db_path=Path(data_paths.database),
        answers=AnswerStore(data_paths),
        scorer_factory=scorers or scorer_factory(lambda: settings.llm),
        prober=prober or choose_prober(settings, choice),
        delivery_metrics=_delivery,
        scorer=choice,
    )
