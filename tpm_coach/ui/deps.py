"""What every page of the window is built from, made once by the app: the pages take one object, not five."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tpm_coach.call_guard import Cancellation
from tpm_coach.context import AppContext
from tpm_coach.practice.ports import PracticeServices
from tpm_coach.practice.wiring import build_services
from tpm_coach.transcription.speech_model import SpeechModel
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool


@dataclass(frozen=True)
class ViewDeps:
    context: AppContext
    messages: MessageSink
    workers: WorkerPool
    speech: SpeechModel
    services: Callable[[], PracticeServices]
    scoring_calls: Cancellation  # cancelled at shutdown, so no LLM call outlives the window

    @classmethod
    def build(
        cls,
        context: AppContext,
        messages: MessageSink,
        workers: WorkerPool,
        *,
        services: Callable[[], PracticeServices] | None = None,
    ) -> ViewDeps:
        """The app's own services over `context`; `services` replaces the practice services (tests, benches)."""
        speech = SpeechModel(
            lambda: context.settings.transcription, lambda: context.settings.llm.allow_plain_http_hosts
        )
        scoring_calls = Cancellation()
        if services is None:

            def services() -> PracticeServices:
                return build_services(lambda: context.settings, context.data_paths, speech, cancellation=scoring_calls)

        return cls(context, messages, workers, speech, services, scoring_calls)
