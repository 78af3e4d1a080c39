"""Follow-ups aim at what an answer covered least and never at what it covered well: real answers scored by the
offline scorer on the default bank, and every bank question under every pattern of covered and omitted criteria."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tpm_coach.banks import BankLibrary
from tpm_coach.domain import Competency, CriterionScore, Question, ScoreResult
from tpm_coach.interview.probes import (
    BankProber,
    bank_follow_up_for,
    covered_criteria,
    weak_criteria,
)
from tpm_coach.scoring import OfflineScorer, overall_score
from tpm_coach.scoring.features import content_stems

# Covers scale, trade-offs, SMS outages and duplicate messages; says nothing of components or data flow.
NOTIFICATIONS_WITHOUT_DESIGN = (
    "First I would ask what the peak volume is: ten million customers, maybe two thousand messages per second at "
    "peak, and what the latency target is. The trade-off is cost versus speed: SMS costs money, so we give up some "
    "speed for cost. If the SMS provider is down we fail over to a second provider, with retries and backoff, and "
    "we use idempotency keys so nobody gets a duplicate message."
)
# Walks the request and data end to end; says nothing about scale, trade-offs or failure.
NOTIFICATIONS_DESIGN_ONLY = (
    "The request goes to an order service which publishes an event to a queue between it and the notification "
    "service. The notification service is the source of truth for preferences, and the data flow is order event, "
    "queue, preferences lookup, template, then a sender per channel behind an API contract."
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> BankLibrary:
    return BankLibrary(Path(tmp_path_factory.mktemp("banks")))


def _score(competency: Competency, values: dict[str, int]) -> ScoreResult:
    criteria = [CriterionScore(id=cid, score=value, rationale="r") for cid, value in values.items()]
    return ScoreResult(
        overall=overall_score(criteria, competency.rubric),
        scale_min=competency.rubric.scale.min,
        scale_max=competency.rubric.scale.max,
        criteria=criteria,
        scorer="offline",
    )


def _scored(library: BankLibrary, question_id: str, answer: str) -> tuple[Question, Competency, ScoreResult]:
    question = library.question(question_id)
    competency = library.competency_for(question)
    return question, competency, OfflineScorer().score(question, competency, answer)


def test_an_answer_that_covered_outages_and_duplicates_is_not_asked_about_them(library: BankLibrary) -> None:
    question, competency, score = _scored(library, "tech-002", NOTIFICATIONS_WITHOUT_DESIGN)
    assert "failure-and-rollout" in covered_criteria(score, competency)

    probe = BankProber().probe(question, competency, score, NOTIFICATIONS_WITHOUT_DESIGN)

    assert probe is not None
    assert probe.criteria == ("architecture",)
    # Both of the bank's follow-ups ask about duplicates and an SMS outage, which the answer already covered.
    assert probe.text not in question.follow_ups
    assert "components and data flow" in probe.text


def test_an_answer_that_covered_only_the_design_is_probed_on_what_it_omitted(library: BankLibrary) -> None:
    question, competency, score = _scored(library, "tech-002", NOTIFICATIONS_DESIGN_ONLY)
    covered = covered_criteria(score, competency)
    assert "architecture" in covered

    probe = BankProber().probe(question, competency, score, NOTIFICATIONS_DESIGN_ONLY)

    assert probe is not None
    assert not set(probe.criteria) & set(covered)
    assert probe.criteria[0] == weak_criteria(score, competency)[0]
    assert probe.criteria[0] in {"constraints", "trade-offs", "failure-and-rollout"}


def test_an_answer_that_covered_everything_gets_no_follow_up(library: BankLibrary) -> None:
    question = library.question("tech-002")
    competency = library.competency_for(question)
    score = _score(competency, {c.id: 4 for c in competency.rubric.criteria})
    assert BankProber().probe(question, competency, score, "anything") is None


def test_criteria_already_probed_are_not_probed_again(library: BankLibrary) -> None:
    question = library.question("tech-002")
    competency = library.competency_for(question)
    score = _score(competency, {"constraints": 2, "architecture": 1, "trade-offs": 4, "failure-and-rollout": 3})
    probe = BankProber().probe(question, competency, score, "", exclude=["architecture"])
    assert probe is not None and probe.criteria == ("constraints",)


def test_no_bank_question_under_any_pattern_of_covered_criteria_gets_a_probe_on_a_covered_one(
    library: BankLibrary,
) -> None:
    checked = 0
    for question in library.questions():
        competency = library.competency_for(question)
        ids = [c.id for c in competency.rubric.criteria]
        vocab = {c.id: set(content_stems(" ".join([c.name, *c.listen_for]))) for c in competency.rubric.criteria}
        for pattern in itertools.product((1, 3, 5), repeat=len(ids)):
            score = _score(competency, dict(zip(ids, pattern, strict=True)))
            covered = set(covered_criteria(score, competency))
            probe = BankProber().probe(question, competency, score, "")
            if probe is None:
                assert covered == set(ids)
                continue
            checked += 1
            assert not set(probe.criteria) & covered
            assert probe.criteria[0] == weak_criteria(score, competency)[0]
            if probe.source == "bank":
                words = set(content_stems(probe.text))
                target = len(words & vocab[probe.criteria[0]])
                assert all(len(words & vocab[c]) < target for c in covered)
    assert checked > 1000


def test_a_bank_follow_up_the_answer_already_answered_is_not_asked(library: BankLibrary) -> None:
    found = 0
    for question in library.questions():
        competency = library.competency_for(question)
        for criterion in competency.rubric.criteria:
            chosen = bank_follow_up_for(question, competency, criterion.id, covered=[], answer="")
            if chosen is None:
                continue
            found += 1
            # Saying the follow-up's own words in the answer makes it a question about what was said.
            again = bank_follow_up_for(question, competency, criterion.id, covered=[], answer=chosen)
            assert again != chosen
    assert found > 10


def test_practices_offline_follow_up_no_longer_asks_what_the_answer_covered(library: BankLibrary) -> None:
    question, _, score = _scored(library, "tech-002", NOTIFICATIONS_WITHOUT_DESIGN)
    # Both bank follow-ups (a duplicate message, the SMS provider down) were answered already.
    assert score.follow_up not in question.follow_ups
    assert score.follow_up == "Can you say more about components and data flow?"
