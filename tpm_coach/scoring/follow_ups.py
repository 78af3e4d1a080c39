"""Which of a question's own follow-ups probes a criterion: one that speaks to it more than to anything the answer
already covered, and does not ask for what the answer already said. Shared by the offline scorer's suggestion
and the interviewer's probes."""

from __future__ import annotations

from collections.abc import Sequence

from tpm_coach.domain import Competency, Criterion, Question
from tpm_coach.scoring.features import content_stems

# A follow-up whose content words the answer already holds at this share asks for what was said.
ALREADY_SAID_SHARE = 0.5


def criterion_words(criterion: Criterion) -> set[str]:
    return set(content_stems(" ".join([criterion.name, *criterion.listen_for])))


def bank_follow_up_for(
    question: Question,
    competency: Competency,
    target: str,
    *,
    covered: Sequence[str],
    answer: str,
    asked: Sequence[str] = (),
) -> str | None:
    """The question's own follow-up that probes `target`: it shares words with the target criterion, more than
    with any criterion already covered, and does not ask for what the answer already said."""
    criteria = {c.id: c for c in competency.rubric.criteria}
    target_words = criterion_words(criteria[target])
    covered_words = [criterion_words(criteria[c]) for c in covered if c in criteria and c != target]
    said = set(content_stems(answer))
    best: tuple[int, str] | None = None
    for text in question.follow_ups:
        if text in asked:
            continue
        words = set(content_stems(text))
        overlap = len(words & target_words)
        if overlap == 0 or any(len(words & other) >= overlap for other in covered_words):
            continue
        if words and len(words & said) / len(words) >= ALREADY_SAID_SHARE:
            continue
        if best is None or overlap > best[0]:
            best = (overlap, text)
    return None if best is None else best[1]
