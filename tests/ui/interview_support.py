"""Steps the Interview page tests share: open the page and start an onsite round on one skill."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tpm_coach.ui.interview.view import ROUND, InterviewView
from tpm_coach.ui.main_window import MainWindow


def open_interview(qtbot: QtBot, window: MainWindow) -> InterviewView:
    window.navigate("interview")
    view = window.views["interview"]
    assert isinstance(view, InterviewView)
    qtbot.waitUntil(lambda: view.setup.skills.count() > 0)
    return view


def start_onsite(qtbot: QtBot, view: InterviewView, skill: str = "technical-aptitude", level: str = "senior") -> None:
    setup = view.setup
    setup.format.setCurrentIndex(setup.format.findData("onsite"))
    setup.level.setCurrentIndex(setup.level.findData(level))
    for row in range(setup.skills.count()):
        item = setup.skills.item(row)
        checked = item.data(Qt.ItemDataRole.UserRole) == skill
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    qtbot.mouseClick(setup.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pages.currentIndex() == ROUND and view.run is not None)
