"""Steps the practice page tests share: a typed answer, and a one-question session started from the setup page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tpm_coach.domain import QuestionKind
from tpm_coach.practice import Phase
from tpm_coach.ui.main_window import MainWindow

ANSWER = (
    "The situation was a payments migration with a hard regulatory deadline and three teams involved. "
    "My task was to plan the rollout and keep double charges at zero. I mapped the dependencies, agreed an "
    "API contract, and we used idempotency keys with a staged rollout behind a feature flag. As a result we "
    "moved all traffic in six weeks without a single double charge."
)


def start_one_question(
    qtbot: QtBot, window: MainWindow, kind: QuestionKind | None = None, skill: str | None = None
) -> None:
    """`skill` (a competency id) keeps the question to one the typed answer addresses: a judge's score is capped
    for an answer to another question (tpm_coach/scoring/traps.py). ANSWER addresses every planning question."""
    setup = window.practice.setup
    setup.count.setValue(1)
    if kind is not None:
        for other, box in setup.kinds.items():
            box.setChecked(other is kind)
    if skill is not None:
        setup.choose_skills([skill])
    qtbot.mouseClick(setup.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.practice.controller is not None and window.practice.controller.phase is Phase.QUESTION
    )
    assert window.practice.pages.currentIndex() == 1
