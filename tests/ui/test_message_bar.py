"""Messages do not pile up over the page: a note replaces the notes before it, and at most two rows show."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.widgets.message_bar import MAX_VISIBLE, MessageBar


def test_notes_replace_each_other_and_errors_stay(qtbot: QtBot, messages: MessageSink) -> None:
    bar = MessageBar(messages)
    qtbot.addWidget(bar)
    bar.show()
    messages.info("Saved 'My bank'.")
    messages.info("Settings saved.")
    messages.info("Practice now asks from 'My bank'.")
    assert bar.texts() == ["Practice now asks from 'My bank'."]
    messages.error("The microphone stopped sending sound")
    messages.info("Settings saved.")
    assert bar.texts() == ["Settings saved.", "The microphone stopped sending sound"]
    messages.warning("No audio output device was found")
    messages.error("Scoring failed")
    assert len(bar.texts()) == MAX_VISIBLE == 2
    assert bar.texts()[0] == "Scoring failed"
    bar.stop()
