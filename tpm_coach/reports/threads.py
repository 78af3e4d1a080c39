"""A session's answers in reading order: each question followed by its follow-ups and retries, labelled so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tpm_coach.domain import AttemptRecord

FOLLOW_UP_MARK = ".follow-up-"


@dataclass(frozen=True)
class ThreadedAnswer:
    record: AttemptRecord
    label: str  # "2", "2 · follow-up 1", "2 · retry 1"
    role: str  # "question", "follow_up" or "retry"
    depth: int  # 0 for a question, 1 or more for what hangs under it


def _role(record: AttemptRecord, parent: AttemptRecord) -> str:
    if record.question.id != parent.question.id and FOLLOW_UP_MARK in record.question.id:
        return "follow_up"
    return "retry"


def thread_answers(records: Sequence[AttemptRecord]) -> list[ThreadedAnswer]:
    """Questions in the order they were asked, each followed by the answers linked to it (oldest first); an
    answer whose parent is not in `records` stands as a question of its own."""
    present = {r.id: r for r in records}
    children: dict[int, list[AttemptRecord]] = {}
    roots: list[AttemptRecord] = []
    for record in sorted(records, key=lambda r: r.id):
        parent = record.parent_attempt_id
        if parent is not None and parent in present and parent != record.id:
            children.setdefault(parent, []).append(record)
        else:
            roots.append(record)
    out: list[ThreadedAnswer] = []

    def walk(parent: AttemptRecord, number: int, depth: int, counts: dict[str, int]) -> None:
        for child in children.get(parent.id, []):
            role = _role(child, parent)
            counts[role] = counts.get(role, 0) + 1
            name = "follow-up" if role == "follow_up" else "retry"
            out.append(ThreadedAnswer(child, f"{number} · {name} {counts[role]}", role, depth))
            walk(child, number, depth + 1, counts)

    for number, root in enumerate(roots, start=1):
        out.append(ThreadedAnswer(root, str(number), "question", 0))
        walk(root, number, 1, {})
    return out
