"""The judge quality harness: its statistics on hand-made cases, and the LLM measures read from real replies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import scoring_fixtures
from tests.support.openai_server import OpenAIStubServer, Reply, json_reply, score_payload
from tests.support.scoring_fixtures import RecordingSleep
from tpm_coach.banks import BankLibrary
from tpm_coach.config import LlmProvider, LlmSettings
from tpm_coach.domain import Bank, Competency, Question
from tpm_coach.scoring.eval import EvalAnswer, EvalFile, run_eval
from tpm_coach.scoring.eval_report import summary_rows
from tpm_coach.scoring.eval_stats import LabelledScore, accuracy, average_ranks, labelled_pairs, percentile, spearman
from tpm_coach.scoring.llm import LlmScorer, build_openai_client

server = scoring_fixtures.server
bank = scoring_fixtures.bank


def test_spearman_and_ordering_on_a_hand_worked_case() -> None:
    # Ranks 1 2 3 4 against 1 3 2 4: sum of squared rank differences is 2, so rho = 1 - 6*2 / (4*15) = 0.8.
    labels, scores = [1, 2, 3, 4], [1.0, 3.0, 2.0, 4.0]
    assert spearman(labels, scores) == pytest.approx(0.8)
    items = [LabelledScore(f"a{i}", "q", labels[i], scores[i]) for i in range(4)]
    pairs = labelled_pairs(items)
    assert len(pairs) == 6
    assert [p.id for p in pairs if not p.correct] == ["a2 > a1"]  # the level-3 answer scored below the level-2 one
    assert accuracy(pairs) == pytest.approx(5 / 6)


def test_ties_share_ranks_and_a_tied_score_is_a_miss() -> None:
    # Label ranks 1.5 1.5 3.5 3.5, score ranks 1 2.5 2.5 4: covariance 3, variances 4 and 4.5, rho = 3/sqrt(18).
    labels, scores = [1, 1, 2, 2], [1.0, 2.0, 2.0, 3.0]
    assert average_ranks(scores) == [1.0, 2.5, 2.5, 4.0]
    assert spearman(labels, scores) == pytest.approx(3 / 18**0.5)
    pairs = labelled_pairs([LabelledScore(str(i), "q", labels[i], scores[i]) for i in range(4)])
    assert len(pairs) == 4  # equal labels are not compared
    assert accuracy(pairs) == pytest.approx(3 / 4)  # 2.0 against 2.0 cannot tell the answers apart


def test_only_answers_to_the_same_question_are_compared_and_failures_count_as_misses() -> None:
    items = [
        LabelledScore("x-good", "x", 3, 4.0),
        LabelledScore("x-poor", "x", 1, None),  # the scorer failed on it
        LabelledScore("y-poor", "y", 1, 4.5),
    ]
    pairs = labelled_pairs(items)
    assert [(p.id, p.correct) for p in pairs] == [("x-good > x-poor", False)]
    assert spearman([1, 1, 1], [1.0, 2.0, 3.0]) is None  # no spread in the labels
    assert accuracy([]) is None


def test_percentiles_are_nearest_rank() -> None:
    values = [50.0, 10.0, 40.0, 20.0, 30.0]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 0)) == (30.0, 50.0, 10.0)
    assert percentile([], 50) is None


# -- the LLM measures, from replies a real HTTP server sends --------------------------------------------
ANSWER_GOOD = (
    "I'd ask what else reads that config and what breaks if it is wrong. I'd want it behind a feature flag for "
    "five percent of users first, and a rollback we have rehearsed."
)
ANSWER_POOR = "Sure, if the engineer says it is a config change I would trust them and ship it tomorrow morning."


@pytest.fixture
def scorer(server: OpenAIStubServer) -> Iterator[LlmScorer]:
    # Each score reads the clock at its start, before each request (for its deadline) and at its end: the four
    # scores take 1, 2, 3 and 4 seconds; the first makes two requests (a repair).
    ticks = iter([0.0, 0.0, 0.5, 1.0, 10.0, 10.0, 12.0, 20.0, 20.0, 23.0, 30.0, 30.0, 34.0])
    settings = LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="stub-model", timeout_s=5)
    made = LlmScorer(
        build_openai_client(settings, None),
        "stub-model",
        owns_client=True,
        timeout_s=5.0,
        sleep=RecordingSleep(),
        clock=lambda: next(ticks),
    )
    yield made
    made.close()


def test_llm_runs_report_first_try_replies_latency_tokens_and_verified_evidence(
    server: OpenAIStubServer, scorer: LlmScorer, bank: Bank, tmp_path: Path
) -> None:
    question: Question = scoring_fixtures.find_question(bank, "tech-006")
    competency: Competency = scoring_fixtures.find_competency(bank, question.competency)
    ids = [c.id for c in competency.rubric.criteria]
    real = {ids[0]: ["behind a feature flag"]}  # a quote from the good answer
    invented = {ids[0]: ["we load tested it twice"]}  # not in the poor answer: dropped and flagged
    backed = {i: [1] for i in ids[1:]}  # the other criteria cite the answer's first sentence
    server.script(
        Reply(content='{"criteria": '),  # cut short: the scorer asks for a repair
        json_reply(score_payload(ids, 4, real, sentences=backed)),
        json_reply(score_payload(ids, 3, real, sentences=backed)),
        json_reply(score_payload(ids, 2, invented)),
        json_reply(score_payload(ids, 2, sentences={})),
    )
    data = EvalFile(
        answers=[
            EvalAnswer(id="good", question="tech-006", level=3, answer=ANSWER_GOOD),
            EvalAnswer(id="poor", question="tech-006", level=1, answer=ANSWER_POOR),
        ]
    )

    (report,) = run_eval([data], BankLibrary(tmp_path / "banks"), {"llm": scorer}, repeat=2)

    assert [a.score for a in report.answers] == [3.5, 2.0]
    assert report.accuracy == 1.0
    assert report.spearman == 1.0
    assert report.max_spread == 1.0  # the good answer scored 4 then 3
    assert report.first_try_share == 0.75  # one of the four scores needed a repair request
    assert (report.latency_ms(50), report.latency_ms(95)) == (2000, 4000)
    # The stub reports 321 prompt and 123 completion tokens per reply; the repaired score made two requests.
    assert report.tokens_per_score == round((2 * 444 + 3 * 444) / 4)
    # The good answer's criteria all cite the answer (twice four); the poor answer's cite nothing real.
    assert report.evidence_share == round(8 / (4 * len(ids)), 3)
    assert dict(summary_rows(report))["first-try valid replies"] == "75%"
