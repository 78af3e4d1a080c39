"""The verdict's choices: the strongest criterion, the fix worth most to the overall score, and which outline
points an answer already made."""

from __future__ import annotations

from tests.support.domain import sample_competency
from tpm_coach.domain import Competency, CriterionScore, Evidence, ScoreResult
from tpm_coach.scoring.overall import overall_score
from tpm_coach.scoring.verdict import build_verdict, outline_covered


def _result(competency: Competency, scores: dict[str, int], quotes: dict[str, str]) -> ScoreResult:
    criteria = [
        CriterionScore(
            id=cid,
            score=value,
            rationale=f"Reasons for {cid}. More detail.",
            evidence=[Evidence(quote=quotes[cid])] if cid in quotes else [],
        )
        for cid, value in scores.items()
    ]
    scale = competency.rubric.scale
    return ScoreResult(
        overall=overall_score(criteria, competency.rubric),
        scale_min=scale.min,
        scale_max=scale.max,
        criteria=criteria,
        scorer="llm",
    )


def test_the_fix_is_the_step_up_that_moves_the_overall_score_most() -> None:
    competency = sample_competency()
    rubric = competency.rubric
    ids = [c.id for c in rubric.criteria]
    weights = {c.id: c.weight for c in rubric.criteria}
    heaviest = max(ids, key=lambda cid: weights[cid])
    others = [cid for cid in ids if cid != heaviest]
    # The heaviest criterion at 3 and a lighter one lower at 2: one step on the heavier is worth more only
    # when its weight is larger, which the sample rubric's weights decide.
    scores = dict.fromkeys(ids, 4) | {heaviest: 3, others[0]: 2}
    result = _result(competency, scores, {others[0]: "we shipped it somehow"})
    verdict = build_verdict(result, competency)
    assert verdict.fix is not None and verdict.strongest is not None
    expected = max((heaviest, others[0]), key=lambda cid: (weights[cid], -scores[cid]))
    assert verdict.fix.criterion_id == expected
    assert verdict.fix.advice == rubric.anchor_for(expected, scores[expected] + 1)
    assert verdict.gain == round(weights[expected] / rubric.total_weight, 2)
    # Raising that criterion one step raises the overall score by the gain shown.
    raised = _result(competency, scores | {expected: scores[expected] + 1}, {})
    assert abs((raised.overall - result.overall) - verdict.gain) < 0.02
    assert verdict.strongest.score == 4
    assert verdict.strongest.advice == f"Reasons for {verdict.strongest.criterion_id}."
    if expected == others[0]:
        assert verdict.fix.quote == "we shipped it somehow"


def test_strength_and_fix_differ_and_a_perfect_answer_has_no_fix() -> None:
    competency = sample_competency()
    ids = [c.id for c in competency.rubric.criteria]
    top = competency.rubric.scale.max
    even = build_verdict(_result(competency, dict.fromkeys(ids, 3), {}), competency)
    assert even.strongest is not None and even.fix is not None
    assert even.strongest.criterion_id != even.fix.criterion_id
    assert even.fix.quote == ""  # nothing quoted: the block says the answer has nothing for it yet
    perfect = build_verdict(_result(competency, dict.fromkeys(ids, top), {}), competency)
    assert perfect.fix is None and perfect.gain == 0


def test_outline_points_the_answer_made_are_ticked() -> None:
    points = ["Name the regulatory deadline", "Quantify the customer churn risk", "Give the result"]
    answer = "We faced a regulatory deadline for the payments migration. As a result we moved all traffic in six weeks."
    assert outline_covered(points, answer) == [True, False, True]
    assert outline_covered(points, "") == [False, False, False]
