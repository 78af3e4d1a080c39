"""What a session report says, independent of format: the Markdown and HTML renderers only lay it out.

Text here is plain and unescaped, with control and direction-override characters already removed (outside text
goes through display_safe as it enters); each renderer escapes it for its own format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tpm_coach.display_text import display_safe
from tpm_coach.domain import AttemptRecord, AttemptStatus
from tpm_coach.errors import StorageError
from tpm_coach.language.targets import MetricReading, delivery_readings
from tpm_coach.reports.debrief import DebriefContent, debrief_content
from tpm_coach.reports.threads import thread_answers
from tpm_coach.storage import AttemptRepository, SessionRepository, SessionSummary
from tpm_coach.storage.interviews import InterviewRepository

_STATUS_TEXT = {
    AttemptStatus.RECORDING: "recording was interrupted",
    AttemptStatus.RECORDED: "recorded, not transcribed yet",
    AttemptStatus.TRANSCRIBED: "transcribed, not scored yet",
    AttemptStatus.SCORED: "scored",
    AttemptStatus.SCORING_FAILED: "scoring failed",
}


def format_when(stamp: str | None) -> str:
    """A stored UTC timestamp in the reader's local time, e.g. '2025-05-03 14:02'."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def format_score(value: float | None, scale_max: float = 5) -> str:
    return "not scored" if value is None else f"{value:.1f} / {scale_max:g}"


@dataclass(frozen=True)
class CriterionLine:
    name: str
    weight: float
    score: int
    scale_max: int
    rationale: str
    quotes: list[str]
    flagged: bool


@dataclass(frozen=True)
class AnswerContent:
    number: int
    attempt_id: int
    question: str
    competency: str
    kind: str
    level: str
    status: str
    status_reason: str
    answer_mode: str
    duration: str
    overall: str
    scorer: str  # the judge of the score shown: "Offline estimate" or "LLM · <model> · <prompt version>"
    criteria: list[CriterionLine]
    strengths: list[str]
    improvements: list[str]
    stronger_answer: list[str]
    follow_up: str
    star: list[tuple[str, bool]]
    delivery: list[tuple[str, str]]
    readings: list[MetricReading]  # pace, fillers and pauses against their targets; none for a typed answer
    transcript: str | None
    notes: list[str]
    label: str = ""  # "2", or "2 · follow-up 1" for an answer that hangs under question 2


def _safe(items: Sequence[str]) -> list[str]:
    return [display_safe(item) for item in items]


def answer_content(attempt: AttemptRecord, number: int, label: str = "") -> AnswerContent:
    """The report's view of one answer: question, status, scores, feedback, delivery and transcript."""
    score = attempt.score
    names = {c.id: display_safe(c.name) for c in attempt.competency.rubric.criteria}
    weights = {c.id: c.weight for c in attempt.competency.rubric.criteria}
    criteria = []
    scorer = ""
    if score is not None:
        criteria = [
            CriterionLine(
                name=names.get(c.id, display_safe(c.id)),
                weight=weights.get(c.id, 1.0),
                score=c.score,
                scale_max=score.scale_max,
                rationale=display_safe(c.rationale),
                quotes=_safe([e.quote for e in c.evidence]),
                flagged=c.flagged,
            )
            for c in score.criteria
        ]
        # The judge is named with every score shown, so an offline estimate is never read as an LLM's judgement.
        scorer = display_safe(score.judge_label)
    typed = attempt.answer_mode == "typed"
    delivery: list[tuple[str, str]] = []
    m = attempt.metrics
    if m is not None and m.word_count:
        # A typed answer has no speaking time, pace or pauses: only its length means anything.
        delivery = [("Words", str(m.word_count))]
        if not typed:
            delivery = [("Speaking time", format_duration(m.speaking_time_s)), *delivery]
            delivery.append(("Hedging phrases", str(m.hedge_count)))
    star: list[tuple[str, bool]] = []
    if score is not None and score.star is not None:
        s = score.star
        star = [("Situation", s.situation), ("Task", s.task), ("Action", s.action), ("Result", s.result)]
    return AnswerContent(
        number=number,
        attempt_id=attempt.id,
        question=display_safe(attempt.question.text),
        competency=display_safe(attempt.competency.name),
        kind=attempt.question.kind.value,
        level=attempt.question.level.value,
        status=_STATUS_TEXT.get(attempt.status, attempt.status.value),
        status_reason=display_safe(attempt.status_reason),
        answer_mode=attempt.answer_mode,
        duration="" if typed else format_duration(attempt.duration_s),
        overall=format_score(score.overall, score.scale_max) if score else "not scored",
        scorer=scorer,
        criteria=criteria,
        strengths=_safe(score.strengths) if score else [],
        improvements=_safe(score.improvements) if score else [],
        stronger_answer=_safe(score.stronger_answer) if score else [],
        follow_up=display_safe(score.follow_up) if score else "",
        star=star,
        delivery=delivery,
        readings=delivery_readings(m, typed=typed),
        transcript=display_safe(attempt.transcript.text) if attempt.transcript is not None else None,
        notes=_safe(score.notes) if score else [],
        label=label or str(number),
    )


@dataclass(frozen=True)
class SessionReport:
    session_id: int
    title: str
    started: str
    ended: str
    banks: list[str]
    skills: list[str]
    overall: str  # the session mean on the common 1-5 scale
    answers: list[AnswerContent]
    debrief: DebriefContent | None = None  # an interview's debrief


def build_report(
    summary: SessionSummary,
    attempts: Sequence[AttemptRecord],
    bank_names: Mapping[str, str] | None = None,
    debrief: DebriefContent | None = None,
) -> SessionReport:
    """A report from a session summary and its attempts; `bank_names` maps bank ids to display names."""
    names = bank_names or {}
    skills = list(dict.fromkeys(display_safe(a.competency.name) for a in attempts))
    return SessionReport(
        session_id=summary.id,
        title=display_safe(summary.title) or f"Practice session {summary.id}",
        started=format_when(summary.started_at),
        ended=format_when(summary.ended_at),
        banks=_safe([names.get(b, b) for b in summary.bank_ids]),
        skills=skills,
        overall=format_score(summary.overall),
        answers=[answer_content(t.record, i, t.label) for i, t in enumerate(thread_answers(attempts), start=1)],
        debrief=debrief,
    )


def load_report(
    sessions: SessionRepository,
    attempts: AttemptRepository,
    session_id: int,
    bank_names: Mapping[str, str] | None = None,
) -> SessionReport:
    """Read one session from storage and build its report."""
    try:
        summary = sessions.get(session_id)
    except StorageError as exc:
        raise StorageError(exc.message, "it may have been deleted; refresh the history") from exc
    debrief = debrief_content(InterviewRepository(sessions.db).get(session_id))
    return build_report(summary, attempts.list_for_session(session_id), bank_names, debrief)
