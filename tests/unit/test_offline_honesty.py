"""The offline scorer is honest: it quotes only what was said, its rationales agree with its scores, it knows an
answer to another question when it hears one, and "owned" is not a person."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO_ROOT
from tpm_coach.banks import load_bank
from tpm_coach.domain import Bank, Competency, Question, ScoreResult
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring import OfflineScorer
from tpm_coach.scoring.eval import EvalAnswer, eval_files, load_eval_file
from tpm_coach.scoring.features import analyse
from tpm_coach.scoring.specifics import measure_specificity

QUOTED = re.compile(r"“([^”]*)”")
CUES_HEARD = re.compile(r"^(\d+) of its \d+ cues heard")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(default_bank_path())


def asked(bank: Bank, question_id: str) -> tuple[Question, Competency]:
    question = next(q for q in bank.questions if q.id == question_id)
    return question, next(c for c in bank.competencies if c.id == question.competency)


@pytest.fixture(scope="module")
def scored(bank: Bank) -> list[tuple[EvalAnswer, Competency, ScoreResult]]:
    """Every graded answer in the labelled set, scored once (about a second in all)."""
    out = []
    for path in eval_files([REPO_ROOT / "tests" / "data" / "eval"]):
        for answer in load_eval_file(path).answers:
            assert answer.question is not None
            question, competency = asked(bank, answer.question)
            out.append((answer, competency, OfflineScorer().score(question, competency, answer.answer)))
    return out


def test_strengths_and_improvements_quote_only_the_candidates_own_words(
    scored: list[tuple[EvalAnswer, Competency, ScoreResult]],
) -> None:
    quoted = 0
    for answer, competency, result in scored:
        said = answer.answer
        for item in [*result.strengths, *result.improvements]:
            for fragment in QUOTED.findall(item):
                assert fragment in said, (answer.id, item)
                quoted += 1
        # A rubric cue the candidate never said is never presented as something they covered (the criterion's
        # name before the colon may share its words).
        cues = [cue for c in competency.rubric.criteria for cue in c.listen_for if cue.lower() not in said.lower()]
        praise = [s.split(": ", 1)[-1].lower() for s in result.strengths]
        assert not [cue for cue in cues for p in praise if cue.lower() in p], answer.id
    assert quoted > len(scored)  # most feedback items carry a quote


def test_every_strong_answer_is_told_what_it_did_well_in_its_own_words(
    scored: list[tuple[EvalAnswer, Competency, ScoreResult]],
) -> None:
    strong = [(answer, result) for answer, _, result in scored if answer.level == 4]
    assert len(strong) == 12
    for answer, result in strong:
        assert any(QUOTED.search(s) for s in result.strengths), (answer.id, result.strengths)


def test_rationales_agree_with_the_scores(scored: list[tuple[EvalAnswer, Competency, ScoreResult]]) -> None:
    for answer, competency, result in scored:
        middle = competency.rubric.scale.middle
        for criterion in result.criteria:
            found = CUES_HEARD.match(criterion.rationale)
            heard = int(found.group(1)) if found else 0
            assert not re.search(r"\b0 of \d+ (signals|cues)", criterion.rationale), (answer.id, criterion.rationale)
            if criterion.score > middle:  # a high score names what was heard for it
                assert heard > 0, (answer.id, criterion.id, criterion.score, criterion.rationale)


DATABASE_STORY = (
    "Our build pipeline took forty minutes, so I moved it from a single Jenkins server to containers running in "
    "parallel. We split the integration tests into six shards and cached the dependencies between runs. The "
    "first week the cache kept going stale, so we keyed it on the lock file instead. In the end builds took "
    "nine minutes and the compute bill went down by a third."
)


def test_an_answer_to_another_question_is_recognised_and_scored_low(bank: Bank) -> None:
    question, competency = asked(bank, "lead-003")  # a senior engineer who keeps missing commitments

    result = OfflineScorer().score(question, competency, DATABASE_STORY)

    assert result.overall <= 1.5
    assert any("does not seem to address the question" in note for note in result.notes)
    assert result.strengths == []
    assert result.improvements[0].startswith("Answer the question asked. Yours is about “Our build pipeline")
    assert question.text in result.improvements[0]

    on_topic = (
        "I'd meet the engineer one-on-one and ask what in the process slows them down. If a meeting or a report "
        "is waste I'd cut it, and then agree with them which commitments matter to the other teams and why."
    )
    assert not any("address the question" in n for n in OfflineScorer().score(question, competency, on_topic).notes)


def test_owned_and_owner_are_not_named_people() -> None:
    unnamed = measure_specificity(analyse("I owned the rollout, and the owner of each workstream reported weekly."))
    assert unnamed.found["names"] == []
    named = measure_specificity(analyse("Our director, Priya Shah, owned the rollout and briefed the CISO weekly."))
    assert named.found["names"] == ["director", "Priya", "Shah", "CISO"]


HONEST = (
    "The search service met its latency target only at half the peak, so I checked the test first: the test "
    "cluster had half the nodes of production. The real bottleneck was the ranking step, and we added a cache "
    "for the most common queries. We launched to twenty percent of users behind a feature flag two weeks later."
)


@pytest.mark.parametrize(
    ("flag", "kind"),
    [
        ("Honestly I'd just launch anyway.", "waves a risk away"),
        ("We can fix the performance later if people complain.", "waves a risk away"),
        ("It's not really my job to manage the engineers.", "passes on ownership"),
        ("It's their problem to fix, not ours.", "passes on ownership"),
        ("I can't think of a time this happened to me.", "avoids the question"),
    ],
)
def test_red_flags_cost_a_point_and_are_quoted(bank: Bank, flag: str, kind: str) -> None:
    question, competency = asked(bank, "tech-011")
    plain = OfflineScorer().score(question, competency, HONEST)
    flagged = OfflineScorer().score(question, competency, f"{HONEST} {flag}")
    assert flagged.overall < plain.overall
    assert any(f"“{flag.rstrip('.')}”" in item and kind in item for item in flagged.improvements)


@pytest.mark.parametrize(
    "ordinary",
    [
        "Their problem was capacity, so we lent them two engineers for a sprint.",
        "We agreed to fix the bug later in a patch release, with an alert on it.",
        "I can think of a few times this went wrong.",
        "The engineers knew the ranking code best, so I asked them to estimate each fix.",
    ],
)
def test_ordinary_sentences_are_not_red_flags(bank: Bank, ordinary: str) -> None:
    question, competency = asked(bank, "tech-011")
    result = OfflineScorer().score(question, competency, f"{HONEST} {ordinary}")
    assert not any("red flag" in item for item in result.improvements)
