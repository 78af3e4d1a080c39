"""Settings > Transcription says which language an answer may be in with the chosen model."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tpm_coach.config import TranscriptionSettings
from tpm_coach.ui.settings.transcription import TranscriptionSection


def test_the_note_follows_the_model_between_english_only_and_multilingual(qtbot: QtBot) -> None:
    section = TranscriptionSection()
    qtbot.addWidget(section)
    section.load(TranscriptionSettings(model="tiny.en", language="en"))
    assert "only English" in section.languages.text()
    section.model.setCurrentText("base")
    assert "multilingual" in section.languages.text()
    assert "'en'" in section.languages.text()
    section.model.setCurrentText("small.en")
    assert "only English" in section.languages.text()
    assert section.values().model == "small.en"
