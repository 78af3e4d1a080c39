"""Each question's scoring prompt goes to the judge as the question is shown, as a job for a worker thread, so a
local judge has read it by the time the answer is done (tpm_coach/scoring/warm.py)."""

from __future__ import annotations

from pathlib import Path

from tests.support.practice_fakes import make_harness, problems, start
from tpm_coach.domain import Competency, Question
from tpm_coach.practice import Phase
from tpm_coach.practice.plan import SessionOptions


def test_every_question_shown_is_given_to_the_judge_to_read_off_the_controllers_thread(tmp_path: Path) -> None:
    warmed: list[tuple[str, str]] = []

    def warm(question: Question, competency: Competency) -> bool:
        warmed.append((question.id, competency.id))
        return True

    h = make_harness(tmp_path, warm_judge=warm)
    start(h, count=2)
    assert h.controller.plan is not None
    first, second = h.controller.plan.questions
    assert warmed == [(first.id, first.competency)]

    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    h.controller.next_question()
    assert h.controller.phase is Phase.QUESTION
    assert warmed == [(first.id, first.competency)], "the controller's thread never waits for the judge"
    h.runner.drain()
    assert warmed == [(first.id, first.competency), (second.id, second.competency)]


def test_a_warm_up_that_fails_changes_nothing(tmp_path: Path) -> None:
    def warm(_question: Question, _competency: Competency) -> bool:
        raise RuntimeError("the judge is down")

    h = make_harness(tmp_path, warm_judge=warm)
    start(h, count=1)
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert problems(h) == []


def test_questions_skipped_quickly_keep_one_warm_up_in_flight_and_the_newest_next(tmp_path: Path) -> None:
    warmed: list[str] = []
    h = make_harness(tmp_path, warm_judge=lambda question, _competency: warmed.append(question.id))
    h.controller.prepare(SessionOptions(count=4))
    while h.controller.phase is not Phase.QUESTION:
        assert h.runner.step()
    assert h.controller.plan is not None
    ids = [q.id for q in h.controller.plan.questions]
    for _ in range(3):  # skipped before the first warm-up (still queued) has run
        h.controller.next_question()
    assert h.controller.turn is not None and h.controller.turn.question.id == ids[3]

    h.runner.drain()

    assert warmed == [ids[0], ids[3]]
