"""Builds past sessions for history, progress and report tests through the real repositories and SQLite file.

Only the timestamps are set with SQL afterwards (the repositories stamp "now"), so tests can spread sessions
over days and weeks.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path

from tpm_coach.context import AppContext
from tpm_coach.domain import CriterionScore, DeliveryMetrics, Evidence, ScoreResult, StarCheck, Transcript, Word
from tpm_coach.scoring.overall import overall_score


@dataclass
class Answer:
    question_id: str
    scores: list[int] | int | None = 3  # one per criterion, one for all, or None for an unscored answer
    transcript: str = "I planned the migration in three phases and agreed the owners and dates with each team."
    audio: bool = True
    feedback: str = "Clear structure; name the trade-off you made."
    created_at: str | None = None


@dataclass
class SessionSpec:
    answers: list[Answer]
    title: str = ""
    bank_ids: list[str] = field(default_factory=lambda: ["default"])
    started_at: str | None = None  # ISO-8601; the answers default to it as well


def write_tone(path: Path, seconds: float = 0.5, rate: int = 16000) -> Path:
    """A short 440 Hz tone as 16-bit mono WAV: a real, playable audio file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def add_session(ctx: AppContext, spec: SessionSpec) -> int:
    """Create a session with its answers, audio files, transcripts and scores; return its id."""
    session_id = ctx.sessions.create(spec.bank_ids, spec.title)
    for number, answer in enumerate(spec.answers, start=1):
        question = ctx.banks.question(answer.question_id)
        competency = ctx.banks.competency_for(question)
        attempt_id = ctx.attempts.create(session_id, question, competency)
        if answer.audio:
            audio = write_tone(ctx.data_paths.audio / f"session-{session_id}" / f"answer-{number}.wav")
            ctx.attempts.set_audio(attempt_id, ctx.data_paths.relative(audio))
        ctx.attempts.set_recorded(attempt_id, 42.0)
        words = [Word(word=w, start=i * 0.4, end=i * 0.4 + 0.3) for i, w in enumerate(answer.transcript.split())]
        ctx.attempts.save_transcript(
            attempt_id,
            Transcript(text=answer.transcript, words=words, engine="faster-whisper", model="tiny.en"),
            DeliveryMetrics(speaking_time_s=42.0, word_count=len(words), words_per_minute=140.0, filler_count=2),
        )
        if answer.scores is not None:
            criteria = competency.rubric.criteria
            values = answer.scores if isinstance(answer.scores, list) else [answer.scores] * len(criteria)
            scored = [
                CriterionScore(
                    id=c.id,
                    score=v,
                    rationale=f"{c.name}: {answer.feedback}",
                    evidence=[Evidence(quote=answer.transcript.split(".")[0])],
                )
                for c, v in zip(criteria, values, strict=True)
            ]
            ctx.attempts.save_score(
                attempt_id,
                ScoreResult(
                    overall=overall_score(scored, competency.rubric),
                    scale_min=competency.rubric.scale.min,
                    scale_max=competency.rubric.scale.max,
                    criteria=scored,
                    strengths=[answer.feedback],
                    improvements=["Say what you would do differently next time."],
                    stronger_answer=["Open with the goal and the constraint."],
                    follow_up="What would you cut if the date moved in by a month?",
                    star=StarCheck(situation=True, task=True, action=True, result=False),
                    scorer="offline",
                ),
            )
        stamp = answer.created_at or spec.started_at
        if stamp:
            with ctx.database.transaction() as conn:
                conn.execute("UPDATE attempts SET created_at = ? WHERE id = ?", (stamp, attempt_id))
    if spec.started_at:
        with ctx.database.transaction() as conn:
            conn.execute("UPDATE sessions SET started_at = ? WHERE id = ?", (spec.started_at, session_id))
    ctx.sessions.end(session_id)
    return session_id


def question_ids(ctx: AppContext, competency_id: str) -> list[str]:
    return [q.id for q in ctx.banks.questions([competency_id])]
