"""An interview as JSON: the turns as asked and answered, and the debrief (the CLI's output and what is stored)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tpm_coach.interview.debrief import Debrief
from tpm_coach.interview.outcomes import TurnOutcome


def turn_to_json(turn: TurnOutcome) -> dict[str, Any]:
    score = turn.score
    return {
        "question": turn.question.text,
        "question_id": turn.question.id,
        "kind": turn.kind,
        "skill": turn.competency.id,
        "round": turn.round_index + 1,
        "probes": list(turn.probes),
        "probe_source": turn.probe_source,
        "answer": turn.answer,
        "score": None if score is None else score.overall,
        "criteria": {} if score is None else {c.id: c.score for c in score.criteria},
        "attempt_id": turn.attempt_id,
        "parent_attempt_id": turn.parent_attempt_id,
        "error": turn.error,
    }


def turns_to_json(turns: Sequence[TurnOutcome]) -> list[dict[str, Any]]:
    return [turn_to_json(t) for t in turns]


def debrief_to_json(debrief: Debrief) -> dict[str, Any]:
    return {
        "level": debrief.level,
        "bar": debrief.bar,
        "verdict": None if debrief.verdict is None else debrief.verdict.value,
        "skills": [
            {
                "skill": s.skill,
                "name": s.name,
                "signal": s.signal.value,
                "mean": s.mean,
                "answers": s.answers,
                "evidence": list(s.evidence),
                "weak_criteria": list(s.weak_criteria),
            }
            for s in debrief.skills
        ],
        "moments": [
            {
                "turn": m.turn_index,
                "skill": m.skill,
                "kind": m.kind,
                "question": m.question,
                "quote": m.quote,
                "effect": m.effect,
            }
            for m in debrief.moments
        ],
        "practise_next": [{"skill": p.skill, "name": p.name, "reason": p.reason} for p in debrief.practise_next],
        "not_assessed": list(debrief.not_assessed),
    }
