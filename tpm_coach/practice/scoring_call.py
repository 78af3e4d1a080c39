"""One answer's scoring as a practice session follows it: the judge's progress on the way, and a cancel that
reaches the scorer."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tpm_coach.domain import Competency, DeliveryMetrics, Question, ScoreResult
from tpm_coach.errors import ScoringCancelledError
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.scoring.partial import ProgressCallback, ScoringProgress


class ScoringCall:
    """Made for one scoring request and handed to the job that runs it.

    The scorers the job builds (see `watching`) report through `report`, on the scoring thread. `cancel()` may
    come from any thread: it ends the scorer's call at once, and a cancelled scoring stores nothing, even when
    its result was already on the way.
    """

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._cancelled = False
        self._scorers: list[Scorer] = []

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def report(self, progress: ScoringProgress) -> None:
        if self._on_progress is not None and not self._cancelled:
            self._on_progress(progress)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            scorers = list(self._scorers)
        for scorer in scorers:
            _cancel(scorer)

    def watching(self, factory: Callable[[ScorerChoice], Scorer]) -> Callable[[ScorerChoice], Scorer]:
        """`factory`, with each scorer it builds cancelled along with this call."""

        def build(choice: ScorerChoice) -> Scorer:
            scorer = factory(choice)
            with self._lock:
                self._scorers.append(scorer)
                cancelled = self._cancelled
            if cancelled:
                _cancel(scorer)
            return _Watched(scorer, self)

        return build


def _cancel(scorer: Scorer) -> None:
    # Only scorers that wait on something can be cancelled (the LLM's); the offline one finishes in moments.
    cancel = getattr(scorer, "cancel", None)
    if callable(cancel):
        cancel()


class _Watched:
    """A scorer whose result is refused once its call was cancelled, so that nothing of it is stored."""

    def __init__(self, scorer: Scorer, call: ScoringCall) -> None:
        self.kind = scorer.kind
        self._scorer = scorer
        self._call = call

    def score(
        self, question: Question, competency: Competency, transcript: str, metrics: DeliveryMetrics | None = None
    ) -> ScoreResult:
        result = self._scorer.score(question, competency, transcript, metrics)
        if self._call.cancelled:
            raise ScoringCancelledError("Scoring was cancelled", "the answer is saved and can be scored again")
        return result

    def close(self) -> None:
        close = getattr(self._scorer, "close", None)
        if callable(close):
            close()
