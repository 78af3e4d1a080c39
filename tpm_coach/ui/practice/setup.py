"""Choosing a session: banks, skills, kinds, level, number of questions, or focus on the weakest skill."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tpm_coach.banks import BankLibrary
from tpm_coach.display_text import display_safe
from tpm_coach.domain import Level, QuestionKind
from tpm_coach.practice.plan import MAX_QUESTIONS, SessionOptions
from tpm_coach.ui.practice.session_settings import SessionSettings
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.widgets.safe_text import tooltip

LOADING = "Loading question banks…"
UNAVAILABLE = "The question banks could not be loaded."

_KIND_NAMES = {
    QuestionKind.BEHAVIORAL: "Behavioural",
    QuestionKind.PROGRAM_SENSE: "Program sense",
    QuestionKind.TECHNICAL: "Technical",
    QuestionKind.STRATEGY: "Strategy",
    QuestionKind.SITUATIONAL: "Situational",
}


def _checklist(parent: QWidget) -> QListWidget:
    widget = QListWidget(parent)
    widget.setSelectionMode(QListWidget.SelectionMode.NoSelection)
    widget.setFixedHeight(168)
    return widget


def _checked(widget: QListWidget) -> list[str]:
    items = [widget.item(i) for i in range(widget.count())]
    return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]


class SetupPage(QWidget):
    start_requested = Signal(object)  # SessionOptions

    def __init__(self, library: BankLibrary | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # None while the banks are read in the background (see set_library): nothing can start until then.
        self.library = library
        self._waiting = LOADING
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(14)
        outer.addWidget(label("Practice", "PageTitle", self))
        outer.addWidget(
            label(
                "Answer out loud as you would in the interview. Each answer is transcribed on this computer and "
                "scored against the question's rubric.",
                "Muted",
                self,
                wrap=True,
            )
        )

        body, form_layout = card(self, spacing=14, margins=20)
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(6)
        grid.addWidget(label("Question banks", "Caption", body), 0, 0)
        grid.addWidget(label("Skills", "Caption", body), 0, 1)
        self.banks = _checklist(body)
        self.banks.setAccessibleName("Question banks")
        self.skills = _checklist(body)
        self.skills.setAccessibleName("Skills")
        grid.addWidget(self.banks, 1, 0)
        grid.addWidget(self.skills, 1, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        form_layout.addLayout(grid)

        self.focus_weakest = QCheckBox("Focus on my weakest skill (picked from my scored answers)", body)
        self.focus_weakest.toggled.connect(self._update)
        form_layout.addWidget(self.focus_weakest)

        form_layout.addLayout(self._build_form(body))

        actions = QHBoxLayout()
        self.matches = label("", "Muted", body)
        actions.addWidget(self.matches, 1)
        self.start = button("Start session", "primary", body, icon_name="practice")
        self.start.setToolTip("Start (Ctrl+Enter)")
        self.start.clicked.connect(self._start)
        actions.addWidget(self.start)
        form_layout.addLayout(actions)
        outer.addWidget(body)
        outer.addStretch(1)

        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.activated.connect(self._start)
        self.banks.itemChanged.connect(self._update)
        self.skills.itemChanged.connect(self._update)
        self.reload()

    def _build_form(self, body: QWidget) -> QFormLayout:
        kinds_row = QHBoxLayout()
        kinds_row.setSpacing(14)
        self.kinds: dict[QuestionKind, QCheckBox] = {}
        for kind, name in _KIND_NAMES.items():
            box = QCheckBox(name, body)
            box.setChecked(True)
            box.toggled.connect(self._update)
            kinds_row.addWidget(box)
            self.kinds[kind] = box
        kinds_row.addStretch(1)

        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.addRow("Kinds", kinds_row)
        self.level = QComboBox(body)
        self.level.addItem("Any level", None)
        for level in Level:
            self.level.addItem(level.value.title(), level)
        self.level.setMaximumWidth(260)
        self.level.currentIndexChanged.connect(self._update)
        form.addRow("Level", self.level)
        self.count = QSpinBox(body)
        self.count.setRange(1, MAX_QUESTIONS)
        self.count.setValue(3)
        self.count.setSuffix(" questions")
        self.count.setMaximumWidth(260)
        form.addRow("Length", self.count)
        self.session = SessionSettings(body)
        form.addRow("Answering", self.session)
        return form

    def set_library(self, library: BankLibrary) -> None:
        """The banks have been read: list them, and let a session start."""
        self.library = library
        self.reload()

    def banks_unavailable(self) -> None:
        """The banks could not be read (the reason is shown as a message): nothing to start a session from."""
        self._waiting = UNAVAILABLE
        self._update()

    def reload(self) -> None:
        """Refill the bank and skill lists (after Settings changed the active banks)."""
        for widget in (self.banks, self.skills):
            widget.blockSignals(True)
            widget.clear()
        library = self.library
        for bank in library.active_banks() if library is not None else []:
            item = QListWidgetItem(f"{display_safe(bank.name)}  ({len(bank.questions)})", self.banks)
            item.setData(Qt.ItemDataRole.UserRole, bank.id)
            item.setCheckState(Qt.CheckState.Checked)
        for competency in library.competencies() if library is not None else []:
            item = QListWidgetItem(display_safe(competency.name), self.skills)
            item.setData(Qt.ItemDataRole.UserRole, competency.id)
            item.setToolTip(tooltip(competency.description))
            item.setCheckState(Qt.CheckState.Checked)
        for widget in (self.banks, self.skills):
            widget.blockSignals(False)
        self._update()

    def choose_skills(self, skill_ids: Sequence[str]) -> None:
        """Check exactly `skill_ids` (and turn off weakest-skill focus, which would ignore them)."""
        wanted = set(skill_ids)
        self.focus_weakest.setChecked(False)
        for row in range(self.skills.count()):
            item = self.skills.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._update()

    def options(self) -> SessionOptions:
        level = self.level.currentData()
        return SessionOptions(
            bank_ids=tuple(_checked(self.banks)),
            competencies=() if self.focus_weakest.isChecked() else tuple(_checked(self.skills)),
            kinds=tuple(k for k, box in self.kinds.items() if box.isChecked()),
            levels=(Level(level),) if level else (),
            count=self.count.value(),
            focus_weakest=self.focus_weakest.isChecked(),
        )

    def _update(self) -> None:
        self.skills.setEnabled(not self.focus_weakest.isChecked())
        if self.library is None:
            self.matches.setText(self._waiting)
            self.start.setEnabled(False)
            return
        options = self.options()
        if not options.bank_ids or not options.kinds or not (options.competencies or options.focus_weakest):
            self.matches.setText("Choose at least one bank, skill and kind.")
            self.start.setEnabled(False)
            return
        questions = self.library.questions(options.competencies or None, options.kinds, options.levels or None)
        allowed = {q.id for b in self.library.active_banks() if b.id in options.bank_ids for q in b.questions}
        count = sum(1 for q in questions if q.id in allowed)
        self.matches.setText(f"{count} questions match." if count != 1 else "1 question matches.")
        self.start.setEnabled(count > 0)

    def set_busy(self, busy: bool) -> None:
        self.start.setEnabled(not busy)
        self.start.setText("Choosing questions…" if busy else "Start session")
        if not busy:
            self._update()

    def _start(self) -> None:
        if self.start.isEnabled() and self.isVisible():
            self.start_requested.emit(self.options())
