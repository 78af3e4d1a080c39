"""Exporting a session report from the history as Markdown, HTML and PDF."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui import view_support
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.context import AppContext
from tpm_coach.reports import ReportFormat
from tpm_coach.ui.history.report_export import ReportExporter
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

SCRIPT = "We cut scope. <script>alert('x')</script> Then we shipped on the date we promised."


ctx = view_support.ctx


@pytest.fixture
def exporter(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[ReportExporter]:
    workers = WorkerPool()
    yield ReportExporter(ctx, messages, workers)
    assert workers.shutdown(10_000)


def test_export_writes_markdown_html_and_pdf(
    qtbot: QtBot, ctx: AppContext, exporter: ReportExporter, messages: MessageSink, tmp_path: Path
) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 4, transcript=SCRIPT), Answer("comm-001", 2)]))
    written = {}
    for fmt in ReportFormat:
        path = tmp_path / "reports" / f"session.{fmt.value}"
        with qtbot.waitSignal(exporter.exported, timeout=30_000) as done:
            exporter.export(session_id, path)
        assert done.args == [path]
        written[fmt] = path.read_bytes()

    assert written[ReportFormat.PDF].startswith(b"%PDF")
    assert written[ReportFormat.PDF].rstrip().endswith(b"%%EOF")
    html = written[ReportFormat.HTML].decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    markdown = written[ReportFormat.MARKDOWN].decode("utf-8")
    assert "\\<script\\>" in markdown
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["session.html", "session.md", "session.pdf"]
    assert messages.history[-1].text.startswith("Saved the report to")
    assert messages.history[-1].action_label == "Open"


def test_export_through_the_save_dialog(
    qtbot: QtBot, ctx: AppContext, exporter: ReportExporter, tmp_path: Path
) -> None:
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 4)]))
    exporter.folder = tmp_path
    dialog = exporter.choose_and_export(session_id)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.selectedFiles()[0].endswith(f"tpm-session-{session_id}.pdf")

    target = tmp_path / "mine.html"
    dialog.selectFile(str(target))
    with qtbot.waitSignal(exporter.exported, timeout=30_000):
        dialog.accept()
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert exporter.folder == tmp_path


def test_a_failed_export_says_why_and_offers_a_retry(
    qtbot: QtBot, ctx: AppContext, exporter: ReportExporter, messages: MessageSink, tmp_path: Path
) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 4)]))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    for name in ("report.pdf", "report.md"):
        with qtbot.waitSignal(exporter.failed, timeout=30_000):
            exporter.export(session_id, blocker / name)
        assert messages.history[-1].level == "error"
        assert "cannot write the report" in messages.history[-1].text
        assert messages.history[-1].action_label == "Try again"
    assert blocker.read_text() == "a file where a folder should be"
