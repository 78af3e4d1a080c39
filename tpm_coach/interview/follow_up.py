"""A follow-up's score: only the criteria it probes, and the parent answer's score updated with it."""

from __future__ import annotations

from collections.abc import Sequence

from tpm_coach.domain import Competency, CriterionScore, ScoreResult
from tpm_coach.errors import ScoringError
from tpm_coach.scoring.overall import overall_score


def probed_competency(competency: Competency, probes: Sequence[str]) -> Competency:
    """The competency with only the probed criteria in its rubric, for scoring a follow-up answer.

    A bank rubric needs three criteria or more; this narrowed copy is never saved as a bank, only handed to a
    scorer, so it is made without that check.
    """
    wanted = set(probes)
    criteria = [c for c in competency.rubric.criteria if c.id in wanted]
    if not criteria:
        raise ScoringError(f"the follow-up probes no criterion of '{competency.id}': {', '.join(probes)}")
    rubric = competency.rubric.model_copy(update={"criteria": criteria})
    return competency.model_copy(update={"rubric": rubric})


def merge_follow_up(parent: ScoreResult, follow_up: ScoreResult, competency: Competency, depth: int) -> ScoreResult:
    """The parent's score as an interviewer's notes would read after the follow-up: each probed criterion takes
    the better of the two scores, with the follow-up's quotes added to its evidence. A follow-up can show what
    the first answer left out; it never takes away what the first answer showed."""
    later = {c.id: c for c in follow_up.criteria}
    merged: list[CriterionScore] = []
    raised: list[str] = []
    for criterion in parent.criteria:
        probe = later.get(criterion.id)
        if probe is None or probe.score <= criterion.score:
            merged.append(criterion)
            continue
        raised.append(criterion.id)
        merged.append(
            criterion.model_copy(
                update={
                    "score": probe.score,
                    "rationale": f"Raised from {criterion.score} by follow-up {depth}: {probe.rationale}",
                    "evidence": [*criterion.evidence, *probe.evidence],
                    "flagged": criterion.flagged or probe.flagged,
                    "capped_from": None,
                }
            )
        )
    if not raised:
        return parent
    note = f"Updated by follow-up {depth} on {', '.join(raised)}."
    return parent.model_copy(
        update={
            "criteria": merged,
            "overall": overall_score(merged, competency.rubric),
            "notes": [*parent.notes, note],
        }
    )
