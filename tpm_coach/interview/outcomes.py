"""What an interview produced, turn by turn: the record the debrief, the CLI and the UI read."""

from __future__ import annotations

from dataclasses import dataclass, field

from tpm_coach.domain import Competency, Question, ScoreResult


@dataclass(frozen=True)
class TurnOutcome:
    """One asked-and-answered turn. For a follow-up, `score` covers only the `probes` criteria."""

    index: int
    round_index: int
    kind: str  # "question" or "follow_up"
    question: Question
    competency: Competency
    attempt_id: int
    parent_attempt_id: int | None
    probes: tuple[str, ...]
    answer: str
    score: ScoreResult | None
    probe_source: str = ""
    error: str = ""  # why the answer could not be scored, when it could not


@dataclass
class QuestionOutcome:
    """A main question with its follow-ups; `final` is its score as updated by them."""

    turn: TurnOutcome
    follow_ups: list[TurnOutcome] = field(default_factory=list)
    final: ScoreResult | None = None

    @property
    def skill(self) -> str:
        return self.turn.competency.id
