"""A coach grades an answer in the app and the candidate sees coach and app side by side.

Real parts throughout: answers stored through the app's repositories in a real SQLite file, a real WAV beside
them, the review written by the view's Save button, and the package imported through the Coach page's worker.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.app_data import populate
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.banks import BankLibrary
from tpm_coach.coach.export import export_session
from tpm_coach.coach.review import save_review
from tpm_coach.context import AppContext
from tpm_coach.domain import CoachGrade, CoachReview
from tpm_coach.paths import DataPaths
from tpm_coach.storage import Database
from tpm_coach.storage.coach import CoachRepository
from tpm_coach.ui.bank_editor.view import BankEditorView
from tpm_coach.ui.coach.page import CoachPage
from tpm_coach.ui.coach.review_view import CoachReviewView
from tpm_coach.ui.coach.side_by_side import COMMENT_BACKGROUND
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.feedback.review import ReviewPage
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.progress.view import ProgressView
from tpm_coach.ui.workers import WorkerPool

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

QUOTE = "agreed the owners and dates"


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = AppContext()
    yield context
    context.close()


@pytest.fixture
def deps(qtbot: QtBot, ctx: AppContext) -> Iterator[ViewDeps]:
    workers = WorkerPool()
    yield ViewDeps.build(ctx, MessageSink(), workers)
    assert workers.shutdown(5000)


def first_answer(ctx: AppContext) -> int:
    session = add_session(ctx, SessionSpec([Answer("plan-001", [2, 3, 4, 3])]))
    return ctx.attempts.list_for_session(session)[0].id


def test_a_coach_grades_an_answer_and_sees_it_beside_the_app(qtbot: QtBot, ctx: AppContext, deps: ViewDeps) -> None:
    answer = first_answer(ctx)
    criteria = ctx.attempts.get(answer).competency.rubric.criteria
    review = CoachReviewView(deps)
    qtbot.addWidget(review)
    review.show()
    review.show_attempt(answer)
    assert review.player.play_button.isEnabled()  # the recording is there to listen to

    review.coach_name.setText("Kim")
    for criterion, grade in zip(criteria, [4, 3, 2, 3], strict=True):
        review.spins[criterion.id].setValue(grade)
    text = ctx.attempts.get(answer).transcript.text  # type: ignore[union-attr]
    start = text.index(QUOTE)
    review.select(start, start + len(QUOTE))
    review.comment_text.setText("Who owned the critical path?")
    qtbot.mouseClick(review.add_comment, Qt.MouseButton.LeftButton)
    review.note.setPlainText("Good structure; name the risk.")
    with qtbot.waitSignal(review.saved, timeout=5000):
        qtbot.mouseClick(review.save, Qt.MouseButton.LeftButton)

    stored = CoachRepository(ctx.database).review(answer)
    assert stored is not None and stored.coach == "Kim"
    assert [(c.start, c.quote, c.text) for c in stored.comments] == [(start, QUOTE, "Who owned the critical path?")]

    page = ReviewPage(deps)
    qtbot.addWidget(page)
    page.show()
    page.show_attempt(answer)
    side = page.view.coach
    assert side.isVisible()
    rows = [[side.grades.item(r, c).text() for c in range(4)] for r in range(side.grades.rowCount())]
    assert [row[1:] for row in rows] == [["2", "4", "+2"], ["3", "3", "+0"], ["4", "2", "-2"], ["3", "3", "+0"]]
    assert rows[0][0] == criteria[0].name
    html = side.transcript.toHtml()
    assert COMMENT_BACKGROUND[1:] in html.lower()  # the commented span is highlighted
    assert QUOTE in side.transcript.toPlainText()
    assert "Who owned the critical path?" in side.comments.text()
    assert side.note.text() == "Coach's note: Good structure; name the risk."


def test_the_progress_page_shows_agreement(qtbot: QtBot, ctx: AppContext, deps: ViewDeps) -> None:
    answer = first_answer(ctx)
    review = CoachReviewView(deps)
    qtbot.addWidget(review)
    review.show_attempt(answer)
    for spin, grade in zip(review.spins.values(), [2, 3, 4, 3], strict=True):
        spin.setValue(grade)  # the app's own grades: full agreement
    review.save_review()

    progress = ProgressView(deps)
    qtbot.addWidget(progress)
    progress.show()
    progress.refresh()
    qtbot.waitUntil(lambda: progress.agreement.report is not None, timeout=10_000)
    assert progress.agreement.isVisible()
    last = progress.agreement.table.rowCount() - 1
    assert progress.agreement.table.item(last, 0).text() == "all criteria"
    assert progress.agreement.table.item(last, 2).text() == "4"
    assert progress.agreement.table.item(last, 3).text() == "0.00"
    assert progress.agreement.table.item(last, 4).text() == "1.00"


def test_the_coach_page_imports_a_package(qtbot: QtBot, ctx: AppContext, deps: ViewDeps, tmp_path: Path) -> None:
    first_answer(ctx)
    sender = DataPaths(tmp_path / "candidate")
    populate(sender, sessions=1)
    with Database.open(sender.database) as db:
        package = export_session(db, sender, 1, tmp_path / "s.tpmsession", sender="Casey").path
    page = CoachPage(deps)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert page.sessions.count() == 1
    page.import_package(package)
    qtbot.waitUntil(lambda: page.sessions.count() == 2, timeout=10_000)
    texts = [page.sessions.item(i).text() for i in range(page.sessions.count())]
    assert any("from Casey" in t for t in texts)
    assert page.status.text().startswith("Imported session #2 from Casey")


def test_the_bank_editor_adds_an_exemplar_from_a_reviewed_answer(qtbot: QtBot, ctx: AppContext, deps: ViewDeps) -> None:
    answer = first_answer(ctx)
    record = ctx.attempts.get(answer)
    grades = [CoachGrade(criterion=c.id, score=3) for c in record.competency.rubric.criteria]
    save_review(ctx.database, answer, CoachReview(coach="Kim", grades=grades, note="Solid plan."))
    ctx.banks.duplicate("default", "mine")
    skill = next(i for i, c in enumerate(ctx.banks.get("mine").bank.competencies) if c.id == record.competency.id)

    editor = BankEditorView(deps)
    qtbot.addWidget(editor)
    editor.show()
    editor.open_bank("mine", select=("competencies", skill))
    panel = editor.exemplars
    assert panel.isVisible()
    assert panel.choice.count() == 1 and f"Answer {answer} · Kim" in panel.choice.itemText(0)
    assert "None yet" in panel.listing.text()
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    assert "(1 of 5)" in panel.title.text()
    assert "Kim, review of answer" in panel.listing.text()
    assert editor.save()

    saved = BankLibrary(ctx.data_paths.banks, ["mine"]).get("mine").bank.competencies[skill]
    [exemplar] = saved.exemplars
    assert exemplar.note == "Solid plan." and set(exemplar.grades.values()) == {3}
    assert exemplar.answer == record.transcript.text  # type: ignore[union-attr]
