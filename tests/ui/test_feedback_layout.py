"""Feedback lays out in one pass and still shows everything: the transcript grows to its text at any width,
and a wrapped label's remembered height follows its text and font."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tpm_coach.ui.feedback.transcript import TranscriptView
from tpm_coach.ui.feedback.view import FeedbackView
from tpm_coach.ui.style import label

LONG = " ".join(f"Sentence {n} of the answer names the owner, the date and the risk." for n in range(40))


def _text_height(view: TranscriptView) -> float:
    return view.document().size().height()


def test_the_fitted_transcript_shows_its_whole_text_at_any_width(qtbot: QtBot) -> None:
    page = FeedbackView()
    qtbot.addWidget(page)
    page.resize(1180, 800)
    page.show()
    transcript = page.transcript
    transcript.show_transcript(LONG)
    QApplication.processEvents()
    wide = transcript.height()
    assert wide >= _text_height(transcript) > 200  # nothing hidden below the fold of its own box

    page.resize(700, 800)
    qtbot.waitUntil(lambda: transcript.height() > wide)
    assert transcript.height() >= _text_height(transcript)
    assert transcript.verticalScrollBar().maximum() == 0  # the page scrolls, not the transcript

    transcript.show_transcript("A short answer.")
    qtbot.waitUntil(lambda: transcript.height() < wide)
    assert transcript.height() >= _text_height(transcript)


def test_a_wrapped_labels_height_follows_its_text_and_font(qtbot: QtBot) -> None:
    shown = label("one line", "", wrap=True)
    qtbot.addWidget(shown)
    short = shown.heightForWidth(200)
    shown.setText(LONG[:400])
    longer = shown.heightForWidth(200)
    assert longer > 2 * short
    assert shown.heightForWidth(200) == longer  # asked again: the same answer

    bigger = QFont(shown.font())
    bigger.setPointSizeF(shown.font().pointSizeF() * 2)
    shown.setFont(bigger)
    assert shown.heightForWidth(200) > longer
