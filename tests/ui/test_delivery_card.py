"""The feedback's delivery card: each measure with its target and reason; a typed answer shows no pace or time."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tpm_coach.domain import DeliveryMetrics
from tpm_coach.ui.feedback.details import MetricsCard

SPOKEN = DeliveryMetrics(speaking_time_s=60.0, word_count=172, words_per_minute=172.0, filler_count=1, long_pauses=0)


def test_a_spoken_answer_shows_each_measure_against_its_target(qtbot: QtBot) -> None:
    card = MetricsCard()
    qtbot.addWidget(card)
    card.show_metrics(SPOKEN, typed=False, duration_s=61.0)
    pace, fillers, pauses = card.targets
    assert pace.startswith("Pace: 172 words a minute, target 110–170 words a minute.")
    assert "slow down" in pace
    assert fillers.startswith("Fillers: 1 (1.0 a minute), target at most 3 a minute.")
    assert pauses.startswith("Long pauses: 0")
    assert card.values["time"] == "1:01"
    values = [v for v in card.findChildren(QLabel) if v.objectName() == "ScoreSmall"]
    marked = {v.text(): bool(v.property("offTarget")) for v in values}
    assert marked["172"] is True  # the pace is outside its target, and shown in the warning colour
    assert marked["1"] is False


def test_a_typed_answer_shows_no_pace_or_speaking_time(qtbot: QtBot) -> None:
    card = MetricsCard()
    qtbot.addWidget(card)
    card.show_metrics(DeliveryMetrics(word_count=30), typed=True, duration_s=None)
    assert card.targets == []
    assert card.values == {"words": "30"}
    shown = " ".join(w.text() for w in card.findChildren(QLabel))
    assert "0:00" not in shown and "words / min" not in shown and "speaking time" not in shown
