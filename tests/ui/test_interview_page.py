"""The Interview page with the offline scorer: a question read aloud (Qt's silent mock voice) and stoppable, a typed
answer with no score shown, a follow-up on what it left out, the debrief, and Practice opened on its skills."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.ui.interview_support import open_interview, start_onsite
from tpm_coach.interview.clock import ClockState
from tpm_coach.practice.turn import TurnKind
from tpm_coach.storage.interviews import InterviewRepository
from tpm_coach.ui.interview.view import DEBRIEF
from tpm_coach.ui.main_window import MainWindow

# Scale, trade-offs and failure handling, nothing on components and data flow.
NO_DESIGN = (
    "First I would ask what the peak volume is: ten million customers, maybe two thousand messages per second at "
    "peak, and what the latency target is. The trade-off is cost versus speed: SMS costs money, so we give up some "
    "speed for cost. If the SMS provider is down we fail over to a second provider, with retries and backoff, and "
    "we use idempotency keys so nobody gets a duplicate message. We canary the change and roll back on alerts."
)


def test_a_typed_round_probes_what_was_missing_and_ends_in_a_debrief(qtbot: QtBot, main_window: MainWindow) -> None:
    view = open_interview(qtbot, main_window)
    # At the staff bar an answer silent on the design can never be a strong hire, so there is something to practise.
    start_onsite(qtbot, view, level="staff")
    run, page = view.run, view.round
    assert run is not None and run.current is not None
    assert page.question.text() == run.current.text and page.kind.text() == "Question"
    assert page.stop_speaking.isVisibleTo(page) and page.speaking.text()  # the interviewer is speaking
    qtbot.mouseClick(page.stop_speaking, Qt.MouseButton.LeftButton)
    assert not view.speaker.speaking and not page.stop_speaking.isVisibleTo(page)
    assert page.clock.property("state") == ClockState.RUNNING.value and page.clock.text() == "45:00"

    page.answer.setPlainText(NO_DESIGN)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(run.turns) == 1 and not view._busy)

    scored = run.turns[0].score
    assert scored is not None
    shown = " ".join(w.text() for w in page.findChildren(QLabel))
    assert f"{scored.overall:.1f}" not in shown and "/5" not in shown  # no feedback during the round
    asked = run.current
    assert asked is not None and asked.kind is TurnKind.FOLLOW_UP
    covered = {c.id for c in scored.criteria if c.score > 3}
    assert asked.probes and not set(asked.probes) & covered
    assert page.kind.text() == "Follow-up" and page.question.text() == asked.text

    qtbot.mouseClick(page.end, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pages.currentIndex() == DEBRIEF)
    debrief = view.debrief
    assert debrief is not None and debrief.skills
    html = view.debrief_page.browser.toPlainText()
    assert "Verdict" in html and all(quote in html for s in debrief.skills for quote in s.evidence)
    stored = InterviewRepository(main_window.context.database).get(run.session_id)
    assert stored is not None and stored.verdict == (debrief.verdict.value if debrief.verdict else None)

    practise = [p.skill for p in debrief.practise_next]
    assert practise
    qtbot.mouseClick(view.debrief_page.practise, Qt.MouseButton.LeftButton)
    assert main_window.stack.currentWidget() is main_window.practice
    skills = main_window.practice.setup.skills
    checked = [
        skills.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(skills.count())
        if skills.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert checked == practise


def test_the_clock_warns_near_the_end_and_moves_to_the_next_round(qtbot: QtBot, main_window: MainWindow) -> None:
    view = open_interview(qtbot, main_window)
    view.setup.format.setCurrentIndex(view.setup.format.findData("loop"))
    qtbot.mouseClick(view.setup.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.run is not None and view.run.current is not None)
    view.speaker_stop()
    box = view.run.plan.rounds[0].time_box_s if view.run else 0

    view._round_started -= box - 60  # a minute left, as the round's clock sees it
    view._tick()
    assert view.round.clock.property("state") == ClockState.WARNING.value
    assert "minutes left" in view.round.warning.text()

    view._round_started -= 61  # the time box is over, with no answer under way
    view._tick()
    qtbot.waitUntil(lambda: view.run is not None and view.run.round_index == 1 and view._round_seen == 1)
    assert view.round.clock.text() == "45:00"
    assert view.round.round_title.text() == "Round 2"
