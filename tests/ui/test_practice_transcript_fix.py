"""Correcting a transcript in Practice: the correction is scored (by the offline scorer here) and shown, and what
was heard is kept beside it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.practice_support import start_one_question
from tpm_coach.scoring import OfflineScorer
from tpm_coach.storage.interviews import TranscriptEdits
from tpm_coach.ui.main_window import MainWindow

HEARD = "I lead the program and we shipped it."
FIXED = (
    "I led the payments migration across three teams. I mapped the dependencies, agreed an API contract, used "
    "idempotency keys and a staged rollout behind a feature flag, and we moved all traffic in six weeks with no "
    "double charges."
)


def test_a_corrected_transcript_is_scored_and_the_heard_one_kept(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    start_one_question(qtbot, window)
    page = window.practice.question
    qtbot.mouseClick(page.type_instead, Qt.MouseButton.LeftButton)
    page.typed.setPlainText(HEARD)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)
    controller = window.practice.controller
    assert controller is not None and controller.record is not None and controller.record.score is not None
    before = controller.record.score.overall
    fix = window.practice.feedback.transcript_fix
    assert fix is not None and fix.isVisibleTo(window.practice.feedback)

    qtbot.mouseClick(fix.open, Qt.MouseButton.LeftButton)
    assert fix.editor.toPlainText() == HEARD
    fix.editor.setPlainText(FIXED)
    qtbot.mouseClick(fix.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "correction" in fix.status.text(), timeout=15_000)

    record = window.context.attempts.get(controller.record.id)
    assert record.transcript is not None and record.transcript.text == FIXED
    assert TranscriptEdits(window.context.database).original(record.id) == HEARD
    # Offline scoring is deterministic: the current score is the corrected answer's, the kept one the heard one's.
    scorer = OfflineScorer()
    assert record.score == scorer.score(record.question, record.competency, FIXED, record.metrics)
    assert [s.result.overall for s in record.scores] == [before, record.score.overall]
    assert window.practice.feedback.view.transcript.plain == FIXED
