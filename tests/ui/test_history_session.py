"""Opening a past session from the history: answers, audio, transcript, scores and feedback."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui import view_support
from tests.ui.history_qt_support import answer_message_box
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.context import AppContext
from tpm_coach.ui.history.model import SUMMARY_ROLE
from tpm_coach.ui.history.view import HistoryView
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.widgets.safe_text import SafeTextBrowser

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MARKUP = 'I led the <b>migration</b> <img src="https://example.com/x.png"> & cut costs by 30%.'


ctx = view_support.ctx


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[HistoryView]:
    yield from view_support.shown_history_view(qtbot, ctx, messages, 1100, 700)


def _open(qtbot: QtBot, view: HistoryView, session_id: int) -> None:
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
    row = next(r for r in range(view.proxy.rowCount()) if view.proxy.index(r, 0).data(SUMMARY_ROLE).id == session_id)
    with qtbot.waitSignal(view.detail.loaded, timeout=10_000):
        view.table.activated.emit(view.proxy.index(row, 0))


def test_opening_a_session_shows_each_answer(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    session_id = add_session(
        ctx,
        SessionSpec(
            [Answer("tech-001", [2, 3, 4, 5], transcript=MARKUP), Answer("comm-001", None, audio=False)],
            title="Onsite rehearsal",
        ),
    )
    _open(qtbot, view, session_id)
    detail = view.detail

    assert view.pages.currentWidget() is detail
    assert detail.title.text() == "Onsite rehearsal"
    assert detail.answers.count() == 2
    assert detail.answers.item(0).text().startswith("1. Technical aptitude  ·  ")
    shown = detail.browser.toPlainText()
    assert ctx.banks.question("tech-001").text.split()[0] in shown
    assert MARKUP in shown  # markup in a transcript is shown as the words that were said
    assert "Scale and constraints" in shown and "2 / 5" in shown
    assert "Say what you would do differently next time." in shown
    assert detail.browser.refused == []  # nothing asked the view to load a resource
    assert detail.player.play_button.isEnabled()

    detail.answers.setCurrentRow(1)
    assert detail.player.status.text() == "No recording for this answer"
    assert not detail.player.play_button.isEnabled()
    assert "not scored" in detail.browser.toPlainText()

    attempt_id = ctx.attempts.list_for_session(session_id)[1].id
    with qtbot.waitSignal(view.attempt_requested) as requested:
        detail.feedback_button.click()
    assert requested.args == [attempt_id]

    detail.back_button.click()
    assert view.pages.currentIndex() == 0


def test_a_missing_audio_file_is_shown_not_played(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3)]))
    audio = ctx.attempts.list_for_session(session_id)[0].audio_path
    assert audio is not None
    ctx.data_paths.absolute(audio).unlink()
    _open(qtbot, view, session_id)

    assert view.detail.player.status.text() == "The audio file is missing"
    assert not view.detail.player.play_button.isEnabled()


# Without a sound server QtMultimedia warns that it cannot connect; the test checks the app copes with that.
@pytest.mark.qt_log_ignore("PulseAudioService", "This plugin does not support propagateSizeHints")
def test_play_uses_the_audio_output_or_says_there_is_none(
    qtbot: QtBot, ctx: AppContext, view: HistoryView, messages: MessageSink
) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3)]))
    _open(qtbot, view, session_id)
    player = view.detail.player
    player.play_button.click()

    if QMediaDevices.audioOutputs():
        qtbot.waitUntil(player.is_playing, timeout=5000)
        player.play_button.click()
        assert not player.is_playing()
    else:
        assert player.player is None  # no player was created for nothing
        assert messages.history[-1].level == "warning"
        assert "No audio output device" in messages.history[-1].text


def test_deleting_from_the_open_session_returns_to_the_list(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    keep = add_session(ctx, SessionSpec([Answer("tech-001", 3)]))
    gone = add_session(ctx, SessionSpec([Answer("comm-001", 3)]))
    _open(qtbot, view, gone)
    answer_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.session_deleted):
        view.detail.delete_button.click()

    assert view.pages.currentIndex() == 0
    assert [r.summary.id for r in view.model.rows] == [keep]


def test_safe_browser_loads_no_resource(qtbot: QtBot, tmp_path: Path) -> None:
    """Neither a local file nor a URL on a real local HTTP server is read, even if markup asks for them."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    image = tmp_path / "local.png"
    picture = QImage(4, 4, QImage.Format.Format_RGB32)
    picture.fill(0xFF0000)
    assert picture.save(str(image))
    remote = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    try:
        browser.setHtml(f'<p>before</p><img src="{image}"/><img src="{remote}"/><p>after</p>')
        browser.show()
        qtbot.waitExposed(browser)
        browser.viewport().repaint()
    finally:
        server.shutdown()
        server.server_close()

    assert browser.refused == [str(image), remote]
    loaded = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(str(image)))
    assert loaded.size().width() == 1  # a blank stand-in, not the 4x4 picture on disk
    assert requests == []


def test_a_refresh_shows_new_scores_in_the_open_session(qtbot: QtBot, ctx: AppContext, view: HistoryView) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 3), Answer("comm-001", None)]))
    _open(qtbot, view, session_id)
    view.detail.answers.setCurrentRow(1)
    assert "not scored" in view.detail.browser.toPlainText()

    # The answer is scored later (e.g. retried from the feedback view); the main window refreshes the history.
    add_session(ctx, SessionSpec([Answer("comm-001", 5)]))  # a second session, so the list changes too
    attempt = ctx.attempts.list_for_session(session_id)[1]
    scored = ctx.attempts.list_for_session(session_id + 1)[0].score
    assert scored is not None
    ctx.attempts.save_score(attempt.id, scored)
    with qtbot.waitSignal(view.detail.loaded, timeout=10_000):
        view.refresh()

    assert view.pages.currentWidget() is view.detail
    assert view.detail.answers.currentRow() == 1
    assert "5.0 / 5" in view.detail.browser.toPlainText()
