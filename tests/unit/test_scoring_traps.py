"""A judge that gives full marks, with every criterion citing real sentences, to answers that game it: the caps
in tpm_coach/scoring/traps.py hold what it gives to an answer to another question, words for the scorer and a list
of rubric terms, and leave genuine, short and non-English answers to the judge. Against a real loopback server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import scoring_fixtures
from tests.support.openai_server import OpenAIStubServer, Reply, json_reply, score_payload
from tests.support.scoring_fixtures import find_competency, find_question
from tpm_coach.config import LlmSettings
from tpm_coach.domain import Bank, Competency, Question, ScoreResult
from tpm_coach.scoring.eval import EvalAnswer, load_eval_file
from tpm_coach.scoring.llm import LlmScorer, connect_scorer
from tpm_coach.scoring.partial import ScoringProgress
from tpm_coach.scoring.traps import find_traps, stuffing_cap

EVAL = Path(__file__).parents[1] / "data" / "eval"

server = scoring_fixtures.server
bank = scoring_fixtures.bank


def labelled(answer_id: str) -> EvalAnswer:
    for path in sorted(EVAL.glob("*.yaml")):
        for answer in load_eval_file(path).answers:
            if answer.id == answer_id:
                return answer
    raise LookupError(answer_id)


@pytest.fixture
def scorers(server: OpenAIStubServer) -> Iterator[Callable[..., LlmScorer]]:
    made: list[LlmScorer] = []

    def make(**options: object) -> LlmScorer:
        settings = LlmSettings.model_validate(
            {"provider": "custom", "base_url": server.base_url, "model": "m", "max_retries": 0}
        )
        scorer = connect_scorer(settings, None, **options)  # type: ignore[arg-type]
        made.append(scorer)
        return scorer

    yield make
    for scorer in made:
        scorer.close()


def judged_at_five(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], question: Question, competency: Competency, text: str
) -> ScoreResult:
    """What the app makes of a judge that gives 5 on every criterion, each citing the answer's first sentence."""
    server.script(json_reply(score_payload([c.id for c in competency.rubric.criteria], 5)))
    return scorers().score(question, competency, text)


def question_of(bank: Bank, answer: EvalAnswer) -> tuple[Question, Competency]:
    assert answer.question is not None
    question = find_question(bank, answer.question)
    return question, find_competency(bank, question.competency)


@pytest.mark.parametrize(
    "case",
    [
        ("lead-003-off-topic-database", 1, "does not seem to address the question"),
        ("comm-002-off-topic-cache-design", 1, "does not seem to address the question"),
        ("biz-006-injection-evaluator", 1, "speaks to the scorer"),
        ("risk-011-keyword-salad-list", None, "list or repetition of rubric terms"),
    ],
)
def test_a_trap_is_capped_whatever_the_judge_gave(
    server: OpenAIStubServer,
    scorers: Callable[..., LlmScorer],
    bank: Bank,
    case: tuple[str, int | None, str],
) -> None:
    answer_id, ceiling, reason = case  # ceiling None: the cap for a list of rubric terms
    answer = labelled(answer_id)
    question, competency = question_of(bank, answer)
    cap = ceiling if ceiling is not None else stuffing_cap(competency)

    result = judged_at_five(server, scorers, question, competency, answer.answer)

    assert [c.score for c in result.criteria] == [cap] * len(result.criteria)
    assert all(c.capped_from == 5 and c.flagged for c in result.criteria)
    assert result.overall == cap
    assert any(reason in note for note in result.notes)


@pytest.mark.parametrize("answer_id", ["lead-003-strong", "comm-002-good", "risk-011-thin", "biz-006-strong"])
def test_a_genuine_answer_keeps_the_judges_scores(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], bank: Bank, answer_id: str
) -> None:
    answer = labelled(answer_id)
    question, competency = question_of(bank, answer)

    result = judged_at_five(server, scorers, question, competency, answer.answer)

    assert [c.score for c in result.criteria] == [5] * len(result.criteria)
    assert not any(c.capped_from for c in result.criteria)
    assert result.overall == 5


def test_a_short_answer_is_left_to_the_judge(bank: Bank) -> None:
    # Shares no word with the question, which says "explain" where the answer says "explained": too few words for
    # the relevance check to tell, so the judge, which reads it, decides.
    question = find_question(bank, "comm-001")
    competency = find_competency(bank, question.competency)
    short = (
        "When we had to push one milestone by two weeks, I explained the trade off in plain terms. We could ship on "
        "time with manual reconciliation for the largest merchants, or wait two weeks and launch with full automation."
    )
    assert not find_traps(question, competency, short).any
    longer = labelled("lead-003-off-topic-database").answer  # a whole story about something else is told apart
    assert find_traps(question, competency, longer).off_topic


def test_an_answer_in_another_language_is_left_to_the_judge(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], bank: Bank
) -> None:
    question = find_question(bank, "risk-002")
    competency = find_competency(bank, question.competency)
    spanish = (
        "Primero hablaría con el equipo de la plataforma para entender el riesgo y la fecha real del cambio. "
        "Después prepararía un plan de contingencia con una bandera de funciones y un retroceso ensayado, y "
        "avisaría a los directores con una fecha de decisión clara para que nadie se lleve una sorpresa."
    )

    result = judged_at_five(server, scorers, question, competency, spanish)

    assert result.overall == 5


def test_streamed_criteria_show_the_cap_from_the_first(
    server: OpenAIStubServer, scorers: Callable[..., LlmScorer], bank: Bank
) -> None:
    answer = labelled("lead-003-off-topic-database")
    question, competency = question_of(bank, answer)
    criterion_ids = [c.id for c in competency.rubric.criteria]
    server.script(Reply(content=json_reply(score_payload(criterion_ids, 5)).content, chunk_chars=7))
    progress: list[ScoringProgress] = []

    result = scorers(on_progress=progress.append).score(question, competency, answer.answer)

    shown = [c.score for p in progress for c in p.criteria_done]
    assert len(shown) >= len(criterion_ids)
    assert set(shown) == {1}
    assert result.overall == 1
