"""Choosing a bank's graded sample answers for one scoring: at most two, the question's own first, within a
token budget, and rendering them as the prompt's calibration examples."""

from __future__ import annotations

import hashlib

from tpm_coach.domain import Competency, Exemplar, Question

MAX_EXEMPLARS = 2
TOKEN_BUDGET = 700  # about a third of a small local model's prompt; output length is what costs most here


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate (about four characters a token for English): enough to keep within a budget."""
    return (len(text) + 3) // 4


def candidate_exemplars(question: Question, competency: Competency) -> list[Exemplar]:
    """The question's exemplars, then its competency's; grades for criteria this rubric lacks are dropped."""
    known = {c.id for c in competency.rubric.criteria}
    out = []
    for exemplar in [*question.exemplars, *competency.exemplars]:
        grades = {k: v for k, v in exemplar.grades.items() if k in known}
        if grades:
            out.append(exemplar if grades == exemplar.grades else exemplar.model_copy(update={"grades": grades}))
    return out


def calibration_exemplars(
    question: Question, competency: Competency, *, budget: int = TOKEN_BUDGET, limit: int = MAX_EXEMPLARS
) -> list[Exemplar]:
    """Up to `limit` exemplars whose rendering fits in `budget` tokens together; one too long is passed over."""
    chosen: list[Exemplar] = []
    used = 0
    for exemplar in candidate_exemplars(question, competency):
        cost = approx_tokens(render_exemplar(len(chosen) + 1, exemplar, competency))
        if used + cost > budget:
            continue
        chosen.append(exemplar)
        used += cost
        if len(chosen) == limit:
            break
    return chosen


def render_exemplar(number: int, exemplar: Exemplar, competency: Competency) -> str:
    # Fenced like the candidate's answer, so an example cannot pose as instructions or close its own block.
    token = hashlib.sha256(exemplar.answer.encode("utf-8", "surrogatepass")).hexdigest()[:12].upper()
    names = {c.id: c.name for c in competency.rubric.criteria}
    grades = ", ".join(f"`{k}` ({names.get(k, k)}) {v}" for k, v in exemplar.grades.items())
    lines = [f"### Example {number}", f"<<<EXAMPLE {token}>>>", exemplar.answer, f"<<<END EXAMPLE {token}>>>"]
    lines.append(f"Coach's grades: {grades}")
    if exemplar.note:
        lines.append(f"Why: {exemplar.note}")
    return "\n".join(lines)


def render_calibration(exemplars: list[Exemplar], competency: Competency) -> str:
    return "\n\n".join(render_exemplar(n, e, competency) for n, e in enumerate(exemplars, start=1))
