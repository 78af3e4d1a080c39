"""Fixtures shared by the LLM scorer tests: a loopback chat-completions server and a question from the built-in bank.

A test module picks a fixture up by assigning it to a module name (e.g. `server = scoring_fixtures.server`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.openai_server import OpenAIStubServer
from tpm_coach.banks import load_bank
from tpm_coach.domain import Bank, Competency, Question
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring.llm import LlmScorer

ScorerMaker = Callable[..., LlmScorer]


class RecordingSleep:
    """A fake for time.sleep: records the delays the scorer asks for, so tests check them without waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def server() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as stub:
        yield stub


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(default_bank_path())


def find_question(bank: Bank, question_id: str) -> Question:
    return next(q for q in bank.questions if q.id == question_id)


def find_competency(bank: Bank, competency_id: str) -> Competency:
    return next(c for c in bank.competencies if c.id == competency_id)


@pytest.fixture
def question(bank: Bank) -> Question:
    return find_question(bank, "tech-006")


@pytest.fixture
def competency(bank: Bank, question: Question) -> Competency:
    return find_competency(bank, question.competency)
