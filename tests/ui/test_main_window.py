"""The main window: navigation, opening stored attempts, start-up checks, crash reporting and shutdown."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.app_data import populate
from tests.support.speech import librivox_clips
from tests.ui.conftest import message_button
from tpm_coach import paths
from tpm_coach.banks import BankLibrary
from tpm_coach.context import AppContext
from tpm_coach.domain import AttemptStatus, CriterionScore, DeliveryMetrics, Evidence, ScoreResult, Transcript
from tpm_coach.maintenance import DatabaseState, check_database, create_backup
from tpm_coach.scoring import overall_score
from tpm_coach.ui.app import LOG_FILE_NAME, AppShell, CrashReporter, open_database, setup_logging
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.main_window import NAVIGATION, MainWindow
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool

ANSWER = "We shipped it behind a feature flag and rehearsed the rollback twice before the launch."


def stored_attempt(
    context: AppContext, *, scored: bool = True, spoken_wav: Path | None = None, crashed: bool = False
) -> int:
    library: BankLibrary = context.banks
    question = library.questions(["risk-management"])[0]
    competency = library.competency_for(question)
    session = context.sessions.create(["default"])
    audio = None
    if spoken_wav is not None:
        target = context.data_paths.audio / f"session-{session}" / "answer.wav"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(spoken_wav, target)
        audio = context.data_paths.relative(target)
    attempt = context.attempts.create(
        session, question, competency, answer_mode="spoken" if audio else "typed", audio_path=audio
    )
    if audio:
        if not crashed:  # a crash leaves the attempt `recording`
            context.attempts.set_recorded(attempt, 4.0)
        return attempt
    context.attempts.save_transcript(attempt, Transcript(text=ANSWER), DeliveryMetrics(word_count=15))
    if scored:
        criteria = [
            CriterionScore(
                id=c.id,
                score=2 + i % 3,
                rationale=f"because {c.name}",
                evidence=[Evidence(quote="feature flag")] if i == 0 else [],
            )
            for i, c in enumerate(competency.rubric.criteria)
        ]
        context.attempts.save_score(
            attempt,
            ScoreResult(
                overall=overall_score(criteria, competency.rubric),
                scale_min=1,
                scale_max=5,
                criteria=criteria,
                strengths=["Named the rollback"],
                scorer="llm",
                model="stub-model",
            ),
        )
    else:
        context.attempts.mark_scoring_failed(attempt, "the LLM server was unreachable")
    return attempt


def test_navigation_by_list_and_shortcut(qtbot: QtBot, main_window: MainWindow) -> None:
    rows = [entry.key for entry in NAVIGATION]
    assert main_window.stack.currentWidget() is main_window.practice
    main_window.nav.setCurrentRow(rows.index("settings"))
    assert main_window.stack.currentWidget() is main_window.settings
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.stack.currentWidget() is main_window.practice
    history_key = Qt.Key(Qt.Key.Key_1.value + rows.index("history"))
    qtbot.keyClick(main_window, history_key, Qt.KeyboardModifier.ControlModifier)
    history = main_window.views["history"]
    assert main_window.stack.currentWidget() is history
    assert type(history).__name__ == "HistoryView"


def test_show_attempt_renders_any_stored_attempt(qtbot: QtBot, main_window: MainWindow) -> None:
    attempt_id = stored_attempt(main_window.context)
    record = main_window.context.attempts.get(attempt_id)
    main_window.navigate("history")
    main_window.show_attempt(attempt_id)
    review = main_window.review
    assert main_window.stack.currentWidget() is review
    assert review.view.question.text() == record.question.text
    assert record.score is not None
    assert f"{record.score.overall:.1f}" in review.view.overall.text()
    assert [c.score_label.text() for c in review.view.criteria.cards] == [
        f"{c.score} / 5" for c in record.score.criteria
    ]
    assert "feature flag" in review.view.transcript.toPlainText()
    assert not review.finish.isVisible()
    qtbot.mouseClick(review.back, Qt.MouseButton.LeftButton)
    assert main_window.stack.currentWidget() is main_window.views["history"]


def test_history_opens_attempts_in_the_feedback_view(qtbot: QtBot, main_window: MainWindow) -> None:
    attempt_id = stored_attempt(main_window.context)
    main_window.navigate("history")
    main_window.views["history"].attempt_requested.emit(attempt_id)  # what History's "open" does
    assert main_window.stack.currentWidget() is main_window.review
    assert main_window.review.record is not None and main_window.review.record.id == attempt_id


def test_a_failed_attempt_can_be_scored_from_its_review(qtbot: QtBot, main_window: MainWindow) -> None:
    attempt_id = stored_attempt(main_window.context, scored=False)
    main_window.show_attempt(attempt_id)
    review = main_window.review
    assert "the LLM server was unreachable" in review.view.status.text()
    assert review.finish.isVisible() and review.finish.text() == "Retry scoring"
    with qtbot.waitSignal(review.attempt_changed, timeout=15_000):
        qtbot.mouseClick(review.finish, Qt.MouseButton.LeftButton)
    stored = main_window.context.attempts.get(attempt_id)
    assert stored.status is AttemptStatus.SCORED
    assert not review.finish.isVisible()
    assert review.view.overall.isVisible()


def test_answers_interrupted_by_a_crash_are_recovered_and_finished(qtbot: QtBot, main_window: MainWindow) -> None:
    clip = librivox_clips()[0]
    attempt_id = stored_attempt(main_window.context, spoken_wav=clip.path, crashed=True)
    assert main_window.context.attempts.get(attempt_id).status is AttemptStatus.RECORDING
    main_window.start_background_tasks()
    qtbot.waitUntil(
        lambda: message_button(main_window, "not transcribed or scored", "Transcribe and score now") is not None,
        timeout=15_000,
    )
    qtbot.waitUntil(lambda: main_window.startup.model_loaded, timeout=60_000)
    assert main_window.model_status.text() == "Speech model: tiny.en ready"
    assert main_window.startup.recovered == [attempt_id]
    assert main_window.context.attempts.get(attempt_id).status is AttemptStatus.RECORDED
    text = next(t for t in main_window.message_bar.texts() if "not transcribed or scored" in t)
    assert "interrupted by a crash were recovered" in text
    button = message_button(main_window, "not transcribed or scored", "Transcribe and score now")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main_window.context.attempts.get(attempt_id).status is AttemptStatus.SCORED, timeout=60_000)
    stored = main_window.context.attempts.get(attempt_id)
    assert stored.transcript is not None
    words = set(stored.transcript.text.lower().replace(",", "").replace(".", "").split())
    assert len(words & set(clip.reference.split())) >= len(set(clip.reference.split())) // 2


def damage(path: Path) -> None:
    """Overwrite bytes inside the sessions table's page, as a failing disk would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    for offset in (4096 + 8, 4096 + 100, 4096 + 200):
        data[offset : offset + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_reported_and_restored_from_the_offered_backup(
    qtbot: QtBot, messages: MessageSink, workers: WorkerPool
) -> None:
    data_paths = AppContext().data_paths
    populate(data_paths, sessions=2)
    backup = create_backup(data_paths).path
    damage(data_paths.database)
    shell = AppShell(messages, workers, speech_engine="mock")
    context = shell.load_context()
    assert open_database(context, lambda *_: pytest.fail("the damaged file still opens")) == ""
    window = shell.build(context)
    try:
        shell.show()
        label = f"Restore {backup.name}"
        qtbot.waitUntil(lambda: message_button(window, "is damaged", label) is not None, timeout=15_000)
        assert "Nothing has been changed" in next(t for t in window.message_bar.texts() if "damaged" in t)
        with qtbot.waitSignal(window.destroyed, timeout=15_000):
            qtbot.mouseClick(message_button(window, "is damaged", label), Qt.MouseButton.LeftButton)
        new_window = shell.window
        assert new_window is not window
        assert check_database(data_paths).state is DatabaseState.OK
        assert len(new_window.context.sessions.list_summaries()) == 2
        assert any("Restored the backup" in t for t in new_window.message_bar.texts())
        kept = sorted(data_paths.root.parent.glob(f"{data_paths.root.name}.before-restore-*"))
        assert len(kept) == 1, "the damaged data folder is kept, not deleted"
    finally:
        shell.stop()
        shell.window.close()
        shell.window.deleteLater()


def test_unhandled_exceptions_are_logged_and_shown(qtbot: QtBot, messages: MessageSink) -> None:
    log_file = setup_logging()
    reporter = CrashReporter(messages)
    reporter.install()
    try:

        def broken() -> None:
            raise RuntimeError("a defect in a background thread")

        thread = threading.Thread(target=broken, name="broken")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    finally:
        reporter.uninstall()
    assert reporter.reported == ["RuntimeError: a defect in a background thread"]
    assert reporter.dialog is not None
    assert "a defect in a background thread" in reporter.dialog.detailedText()
    assert log_file == paths.log_dir() / LOG_FILE_NAME
    assert "a defect in a background thread" in log_file.read_text(encoding="utf-8")
    reporter.dialog.close()


def test_known_errors_reaching_the_hook_become_messages(qtbot: QtBot, messages: MessageSink) -> None:
    from tpm_coach.errors import StorageError

    reporter = CrashReporter(messages)
    error = StorageError("the disk is full", "free some space")
    reporter.excepthook(StorageError, error, None)
    assert reporter.dialog is None
    assert messages.history[-1].text == "the disk is full — free some space"


def test_closing_the_window_stops_work_and_closes_the_database(
    qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool
) -> None:
    database = app_context.database
    window = MainWindow(ViewDeps.build(app_context, messages, workers), speech_engine="mock")
    qtbot.addWidget(window)
    window.show()
    window.start_background_tasks()  # the model starts loading; closing must wait for it, not abandon it
    window.close()
    assert not window.isVisible()  # at once: the waiting goes on behind the closed window

    def database_closed() -> bool:
        try:
            database.conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            return True
        return False

    qtbot.waitUntil(database_closed, timeout=20_000)
    assert workers.active_count() == 0
    assert not QApplication.activeModalWidget()


def test_stopping_the_app_right_after_the_close_waits_for_the_work_behind_it(
    qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool
) -> None:
    database = app_context.database
    window = MainWindow(ViewDeps.build(app_context, messages, workers), speech_engine="mock")
    qtbot.addWidget(window)
    window.show()
    window.start_background_tasks()
    window.close()
    window.shutdown()  # what the app does once its event loop has ended
    assert workers.active_count() == 0
    assert not any(t.name == "window-shutdown" for t in threading.enumerate())
    with pytest.raises(sqlite3.ProgrammingError):
        database.conn.execute("SELECT 1")


def test_unsaved_bank_edits_keep_the_window_open(
    qtbot: QtBot, app_context: AppContext, messages: MessageSink, workers: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(ViewDeps.build(app_context, messages, workers), speech_engine="mock")
    qtbot.addWidget(window)
    window.show()
    window.navigate("banks")
    editor = window.view("banks")
    answers = [False, True]  # the editor's own "Save / Discard / Cancel" question: Cancel, then Discard
    monkeypatch.setattr(editor, "confirm_close", lambda: answers.pop(0))
    window.close()
    assert window.isVisible()
    assert app_context.database.conn.execute("SELECT 1").fetchone()[0] == 1
    window.close()
    assert not window.isVisible()
    assert answers == []
