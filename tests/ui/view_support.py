"""Fixtures and builders shared by the history and bank editor tests: the app context and the shown views.

A test module picks a fixture up by assigning it to a module name (`ctx = view_support.ctx`); the
`messages` fixture comes from tests/ui/conftest.py.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from tpm_coach.context import AppContext
from tpm_coach.ui.bank_editor.view import BankEditorView
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.history.view import HistoryView
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.workers import WorkerPool


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    """The app's services over this test's own (empty) data and config folders."""
    context = AppContext()
    yield context
    context.close()


def shown_history_view(
    qtbot: QtBot, ctx: AppContext, messages: MessageSink, width: int, height: int
) -> Iterator[HistoryView]:
    """Body of a `view` fixture: a shown history view; afterwards its background work must have finished."""
    workers = WorkerPool()
    widget = HistoryView(ViewDeps.build(ctx, messages, workers))
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    yield widget
    assert workers.shutdown(5000)


def shown_bank_editor(ctx: AppContext, messages: MessageSink) -> Iterator[BankEditorView]:
    """Body of an `editor` fixture: a shown bank editor; afterwards its background work must have finished."""
    workers = WorkerPool()
    view = BankEditorView(ViewDeps.build(ctx, messages, workers))
    view.resize(1150, 760)
    view.show()
    yield view
    # Closed here rather than by qtbot: with unsaved changes closing asks, and nobody would answer.
    if view.draft is not None:
        view.draft.revert()
    view.close()
    view.deleteLater()
    assert workers.shutdown(5000)
