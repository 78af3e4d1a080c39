"""What the practice state machine is built on: listeners told of each phase (with a snapshot) and problem,
and the token that makes a background result harmless once the session has moved on."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from tpm_coach.practice.events import Event, PhaseChanged, PracticeSnapshot, Problem, ProblemRaised
from tpm_coach.practice.phase import Phase

log = logging.getLogger(__name__)


class PhaseMachine(ABC):
    def __init__(self) -> None:
        self.phase = Phase.IDLE
        self.problem: Problem | None = None
        self._listeners: list[Callable[[Event], None]] = []
        self._token = 0

    @abstractmethod
    def snapshot(self) -> PracticeSnapshot:
        """The state as of now, sent with each phase change."""

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _set_phase(self, phase: Phase) -> None:
        previous, self.phase = self.phase, phase
        if phase is not Phase.SCORING_FAILED and phase is not Phase.TRANSCRIPTION_FAILED:
            self.problem = None
        self._emit(PhaseChanged(self.snapshot(), previous))

    def _raise(self, problem: Problem) -> None:
        self.problem = problem
        self._emit(ProblemRaised(problem))

    def _fail(self, phase: Phase, problem: Problem) -> None:
        """Enter a failure phase with its problem already set, so the view renders both together."""
        self.problem = problem
        self._set_phase(phase)
        self._emit(ProblemRaised(problem))

    def _next_token(self) -> int:
        self._token += 1
        return self._token

    def _guarded(self, token: int, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap a callback so it does nothing if the session moved on since `token` was taken."""

        def call(value: Any) -> None:
            if token == self._token:
                fn(value)
            else:
                log.debug("ignoring a late result for an earlier step")

        return call
