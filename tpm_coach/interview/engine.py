"""One mock interview from first question to debrief: rounds in their time boxes, follow-ups that probe what an
answer left out, scoring through practice's answer store and the scoring service, and the stored debrief.

Every method blocks (storage, scoring, a generated probe): the GUI calls them on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tpm_coach.domain import Competency, DeliveryMetrics, Question, ScoreResult, Transcript
from tpm_coach.errors import KnownError, ScoringError
from tpm_coach.interview.clock import RoundClock, typed_answer_seconds
from tpm_coach.interview.debrief import Debrief, build_debrief
from tpm_coach.interview.follow_up import merge_follow_up, probed_competency
from tpm_coach.interview.formats import InterviewPlan
from tpm_coach.interview.outcomes import QuestionOutcome, TurnOutcome
from tpm_coach.interview.probes import Probe, Prober
from tpm_coach.interview.report import debrief_to_json
from tpm_coach.practice.answers import AnswerStore, attempts_for_worker
from tpm_coach.practice.delivery import measure_delivery
from tpm_coach.practice.turn import Turn, TurnKind, follow_up_question
from tpm_coach.scoring.base import Scorer, ScorerChoice
from tpm_coach.scoring.service import ScoringService, check_result
from tpm_coach.storage import Database, SessionRepository
from tpm_coach.storage.interviews import InterviewRepository, TranscriptEdits, interview_title

MAX_FOLLOW_UPS = 2


@dataclass(frozen=True)
class InterviewServices:
    """What an interview needs; the CLI and the GUI build them from the same parts as practice."""

    db_path: Path
    answers: AnswerStore
    scorer_factory: Callable[[ScorerChoice], Scorer]
    prober: Prober
    delivery_metrics: Callable[[Transcript], DeliveryMetrics]
    scorer: ScorerChoice = "auto"


@dataclass(frozen=True)
class AskedTurn:
    """What the interviewer asks next. A follow-up's `question` is the parent's with the probe as its text."""

    round_index: int
    kind: TurnKind
    question: Question
    competency: Competency
    probes: tuple[str, ...] = ()
    parent_attempt_id: int | None = None
    probe_source: str = ""
    depth: int = 0

    @property
    def text(self) -> str:
        return self.question.text

    def as_turn(self) -> Turn:
        """The practice turn under which its answer is stored."""
        return Turn(self.question, self.competency, self.kind, self.parent_attempt_id, self.depth)


class InterviewRun:
    def __init__(
        self, plan: InterviewPlan, services: InterviewServices, session_id: int, competencies: dict[str, Competency]
    ) -> None:
        self.plan = plan
        self.services = services
        self.session_id = session_id
        self._competencies = competencies
        self.turns: list[TurnOutcome] = []
        self.questions: list[QuestionOutcome] = []
        self._round = 0
        self._next_question = 0
        self._elapsed = [0.0 for _ in plan.rounds]
        self._current: AskedTurn | None = None
        self._open_question: QuestionOutcome | None = None
        self._advance_question()

    @classmethod
    def start(
        cls,
        plan: InterviewPlan,
        services: InterviewServices,
        competencies: dict[str, Competency],
        bank_ids: Sequence[str],
    ) -> InterviewRun:
        """Store the session as an interview, then ask its first question."""
        title = interview_title(plan.format.value, plan.level.value)
        with Database.open(services.db_path) as db, db.transaction():
            session_id = SessionRepository(db).create(list(bank_ids), title)
            InterviewRepository(db).create(session_id, plan.format.value, plan.level.value, plan.skills)
        return cls(plan, services, session_id, competencies)

    # -- where the interview is -----------------------------------------------------------------------
    @property
    def current(self) -> AskedTurn | None:
        """The turn being asked; None once every round is done."""
        return self._current

    @property
    def round_index(self) -> int:
        return self._round

    def clock(self) -> RoundClock:
        return RoundClock(self.plan.rounds[min(self._round, len(self.plan.rounds) - 1)].time_box_s)

    @property
    def round_elapsed_s(self) -> float:
        return self._elapsed[self._round] if self._round < len(self._elapsed) else 0.0

    def spend(self, seconds: float) -> None:
        """Time passed in the current round (the GUI's clock, or a typed answer at speaking pace)."""
        if self._round < len(self._elapsed):
            self._elapsed[self._round] += max(0.0, seconds)

    def _time_is_up(self) -> bool:
        return self.round_elapsed_s >= self.plan.rounds[self._round].time_box_s

    def end_round(self) -> None:
        """Move on to the next round, as the interviewer does when the time box is over."""
        self._close_question()
        self._round += 1
        self._next_question = 0
        self._advance_question()

    def _advance_question(self) -> None:
        self._close_question()
        while self._round < len(self.plan.rounds):
            questions = self.plan.rounds[self._round].questions
            if self._next_question < len(questions):
                question = questions[self._next_question]
                self._next_question += 1
                self._current = AskedTurn(
                    self._round, TurnKind.QUESTION, question, self._competencies[question.competency]
                )
                return
            self._round += 1
            self._next_question = 0
        self._current = None

    def _close_question(self) -> None:
        self._open_question = None

    # -- answers -------------------------------------------------------------------------------------
    def answer_typed(self, text: str) -> TurnOutcome:
        """A typed answer to the current turn: stored, scored, and the next turn chosen."""
        asked = self._require_turn()
        attempt_id = self.services.answers.open_typed(self.session_id, asked.as_turn())
        self.spend(typed_answer_seconds(text))
        return self._settle(asked, attempt_id, Transcript(text=text, engine="typed", model=""))

    def answer_recorded(
        self, attempt_id: int, transcript: Transcript, duration_s: float, edited: str | None = None
    ) -> TurnOutcome:
        """A spoken answer already stored under `as_turn()` (recorded and transcribed by practice's services).
        `edited` is the candidate's correction of the transcript: it is what gets scored, and what was heard
        is kept beside it."""
        asked = self._require_turn()
        self.spend(duration_s)
        return self._settle(asked, attempt_id, transcript, edited)

    def _require_turn(self) -> AskedTurn:
        if self._current is None:
            raise KnownError("the interview is over", "read the debrief, or start another interview")
        return self._current

    def _settle(
        self, asked: AskedTurn, attempt_id: int, transcript: Transcript, edited: str | None = None
    ) -> TurnOutcome:
        metrics = measure_delivery(self.services.delivery_metrics, transcript)
        self.services.answers.save_transcript(attempt_id, transcript, metrics)
        text = transcript.text
        if edited is not None and edited.strip() and edited.strip() != transcript.text.strip():
            text = edited.strip()
            with Database.open(self.services.db_path) as db:
                TranscriptEdits(db).save(attempt_id, text)
        if asked.kind is TurnKind.FOLLOW_UP:
            outcome = self._score_follow_up(asked, attempt_id, text)
        else:
            outcome = self._score_question(asked, attempt_id, text)
        self.turns.append(outcome)
        self._choose_next(asked, outcome)
        return outcome

    def _outcome(
        self, asked: AskedTurn, attempt_id: int, answer: str, score: ScoreResult | None, error: str
    ) -> TurnOutcome:
        return TurnOutcome(
            index=len(self.turns),
            round_index=asked.round_index,
            kind=asked.kind.value,
            question=asked.question,
            competency=asked.competency,
            attempt_id=attempt_id,
            parent_attempt_id=asked.parent_attempt_id,
            probes=asked.probes,
            answer=answer,
            score=score,
            probe_source=asked.probe_source,
            error=error,
        )

    def _score_question(self, asked: AskedTurn, attempt_id: int, answer: str) -> TurnOutcome:
        score: ScoreResult | None = None
        error = ""
        with attempts_for_worker(self.services.db_path) as attempts:
            try:
                score = ScoringService(attempts, self.services.scorer_factory).score_attempt(
                    attempt_id, scorer=self.services.scorer
                )
            except ScoringError as exc:
                error = str(exc)
        outcome = self._outcome(asked, attempt_id, answer, score, error)
        self._open_question = QuestionOutcome(outcome, final=score)
        self.questions.append(self._open_question)
        return outcome

    def _score_follow_up(self, asked: AskedTurn, attempt_id: int, answer: str) -> TurnOutcome:
        """Score only the probed criteria, keep that score on the follow-up, and update the parent's with it."""
        if asked.parent_attempt_id is None:
            raise ValueError("a follow-up is always asked about an answer")
        narrowed = probed_competency(asked.competency, asked.probes)
        score: ScoreResult | None = None
        error = ""
        with attempts_for_worker(self.services.db_path) as attempts:
            record = attempts.get(attempt_id)
            InterviewRepository(attempts.db).record_probe(
                attempt_id, asked.parent_attempt_id, asked.probes, asked.probe_source
            )
            try:
                scorer = self.services.scorer_factory(self.services.scorer)
                try:
                    score = scorer.score(asked.question, narrowed, answer, record.metrics)
                finally:
                    close = getattr(scorer, "close", None)
                    if callable(close):
                        close()
                check_result(score, narrowed)
                attempts.settle_scoring(attempt_id, record, score)
            except ScoringError as exc:
                score, error = None, str(exc)
                attempts.settle_scoring(attempt_id, record, error)
            parent = self._open_question
            if score is not None and parent is not None and parent.final is not None:
                merged = merge_follow_up(parent.final, score, asked.competency, asked.depth)
                if merged is not parent.final:
                    check_result(merged, asked.competency)
                    attempts.save_score(parent.turn.attempt_id, merged)
                    parent.final = merged
        outcome = self._outcome(asked, attempt_id, answer, score, error)
        if parent is not None:
            parent.follow_ups.append(outcome)
        return outcome

    def _choose_next(self, asked: AskedTurn, outcome: TurnOutcome) -> None:
        parent = self._open_question
        if self._time_is_up():
            self.end_round()
            return
        if parent is None or parent.final is None or asked.depth >= MAX_FOLLOW_UPS:
            self._advance_question()
            return
        root = parent.turn
        probed = [c for f in parent.follow_ups for c in f.probes]
        probe = self.services.prober.probe(root.question, root.competency, parent.final, _answers(parent), probed)
        if probe is None:
            self._advance_question()
            return
        self._current = self._follow_up_turn(root, probe, asked.depth + 1)

    def _follow_up_turn(self, root: TurnOutcome, probe: Probe, depth: int) -> AskedTurn:
        return AskedTurn(
            round_index=root.round_index,
            kind=TurnKind.FOLLOW_UP,
            question=follow_up_question(root.question, probe.text, depth),
            competency=root.competency,
            probes=probe.criteria,
            parent_attempt_id=root.attempt_id,
            probe_source=probe.source,
            depth=depth,
        )

    # -- the end -------------------------------------------------------------------------------------
    def finish(self) -> Debrief:
        """The debrief, stored with the session's verdict; the session is ended."""
        debrief = build_debrief(self.questions, self.plan.skills, self.plan.level.value, self.plan.bar)
        with Database.open(self.services.db_path) as db, db.transaction():
            verdict = None if debrief.verdict is None else debrief.verdict.value
            InterviewRepository(db).set_debrief(self.session_id, verdict, debrief_to_json(debrief))
            SessionRepository(db).end(self.session_id)
        return debrief


def _answers(outcome: QuestionOutcome) -> str:
    """Everything the candidate has said on a question so far: a probe never asks for any of it again."""
    return "\n\n".join([outcome.turn.answer, *(f.answer for f in outcome.follow_ups)])
