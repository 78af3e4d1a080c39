"""Question banks for coaches: browse, edit, add and remove questions and rubric criteria with inline
validation, duplicate the read-only built-in bank, import and export bank files, and save atomically."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tpm_coach.banks import DEFAULT_BANK_ID
from tpm_coach.banks.coach_words import in_coach_words
from tpm_coach.banks.draft import BankDraft, RecordPath
from tpm_coach.banks.forms import BANK_FORM, COMPETENCY_FORM, CRITERION_FORM, QUESTION_FORM
from tpm_coach.coach.graded import coach_graded
from tpm_coach.display_text import display_safe
from tpm_coach.errors import BankProblem, KnownError
from tpm_coach.ui.bank_editor.actions import BankActions
from tpm_coach.ui.bank_editor.files import BankFiles
from tpm_coach.ui.bank_editor.form import RecordForm
from tpm_coach.ui.bank_editor.outline import BankOutline
from tpm_coach.ui.bank_editor.toolbar import BankToolbar
from tpm_coach.ui.coach.exemplars_panel import ExemplarsPanel
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.widgets.message_box import ask

VALIDATE_AFTER_MS = 150  # re-validate once typing pauses, not on every keystroke
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1


class BankEditorView(QWidget):
    validated = Signal(int)  # number of problems in the bank being edited
    saved = Signal(object)  # the Path written
    banks_changed = Signal()  # a bank was saved, added or deleted: the practice setup should reload

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = messages = deps.messages
        self.workers = workers = deps.workers
        self.draft: BankDraft | None = None
        self._problem_list: list[BankProblem] = []
        self._warned: list[str] = []
        self.files = BankFiles(messages, workers, self)
        self.bank_actions = BankActions(self, self)
        self.toolbar = BankToolbar()
        self.outline = BankOutline()
        self.forms = {
            spec.title: RecordForm(spec) for spec in (BANK_FORM, COMPETENCY_FORM, CRITERION_FORM, QUESTION_FORM)
        }
        self.form_stack = QStackedWidget()
        for form in self.forms.values():
            self.form_stack.addWidget(form)
        self.exemplars = ExemplarsPanel(lambda: coach_graded(self.context.database), messages)
        self.problems = QListWidget()
        self.problems.setObjectName("bankProblems")
        self.problems.setMaximumHeight(76)
        self.problems.setStyleSheet("QListWidget { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; }")
        self.problem_count = label("", "Muted")
        self.add_question_button = button("+ Question")
        self.add_skill_button = button("+ Skill")
        self.add_criterion_button = button("+ Criterion")
        self.remove_button = button("Remove")
        self.revert_button = button("Revert")
        self.save_button = button("Save", "primary")
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_AFTER_MS)
        self._build_layout()
        self._connect()
        self.refresh()

    @property
    def bank_combo(self) -> QComboBox:
        return self.toolbar.bank

    def _build_layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.outline, 1)
        edit_row = QHBoxLayout()
        for widget in (self.add_question_button, self.add_skill_button, self.add_criterion_button, self.remove_button):
            edit_row.addWidget(widget)
        left_layout.addLayout(edit_row)
        form_card, form_layout = card(spacing=0, margins=14)
        form_layout.addWidget(self.form_stack)
        form_layout.addWidget(self.exemplars)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_card)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([360, 640])
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem_count, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Question banks", "PageTitle"))
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.problems)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.toolbar.bank.currentIndexChanged.connect(self._bank_chosen)
        self.toolbar.duplicate_clicked.connect(self.bank_actions.ask_duplicate)
        self.toolbar.import_clicked.connect(self.bank_actions.choose_import)
        self.toolbar.export_clicked.connect(self.bank_actions.choose_export)
        self.toolbar.delete_clicked.connect(self.bank_actions.delete_bank)
        self.outline.record_selected.connect(self._show_record)
        for form in self.forms.values():
            form.edited.connect(self._edited)
        self.problems.itemActivated.connect(self._problem_activated)
        self.problems.itemClicked.connect(self._problem_activated)
        self.add_question_button.clicked.connect(self.add_question)
        self.add_skill_button.clicked.connect(self.add_competency)
        self.add_criterion_button.clicked.connect(self.add_criterion)
        self.remove_button.clicked.connect(self.remove_current)
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        self.exemplars.changed.connect(self._update_state)
        self.exemplars.changed.connect(self._schedule)
        self._timer.timeout.connect(self.validate_now)
        self.files.imported.connect(self.bank_actions.imported)
        scale = self.forms[COMPETENCY_FORM.title].scale_editor()
        if scale is not None:
            scale.scale_changed.connect(lambda _lo, _hi: self._schedule())

    # -- choosing a bank ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the library's banks; the bank being edited keeps its unsaved changes."""
        library = self.context.banks
        current = self._list_banks()
        problems = [str(p) for p in library.problems]
        if problems and problems != self._warned:  # once per new set of problems, not on every refresh
            self.messages.warning(
                f"{len(problems)} problem(s) in your bank files; those banks are not listed: " + "; ".join(problems[:2])
            )
        self._warned = problems
        if self.draft is None or (not self.draft.dirty and self.draft.bank_id in library.banks):
            self.open_bank(current if current in library.banks else DEFAULT_BANK_ID)

    def _list_banks(self) -> str:
        current = self.draft.bank_id if self.draft else DEFAULT_BANK_ID
        banks = self.context.banks.banks.values()
        self.toolbar.set_banks([(b.bank.id, b.bank.name, b.read_only) for b in banks], current)
        return current

    def open_bank(self, bank_id: str, select: RecordPath = ()) -> None:
        loaded = self.context.banks.get(bank_id)
        known = [] if loaded.read_only else self.context.banks.get(DEFAULT_BANK_ID).bank.competencies
        self.draft = BankDraft(loaded.bank, known_competencies=known, read_only=loaded.read_only)
        self.toolbar.select(bank_id)
        self.toolbar.set_read_only(loaded.read_only)
        for widget in (self.add_question_button, self.add_skill_button, self.add_criterion_button, self.remove_button):
            widget.setVisible(not loaded.read_only)
        self.outline.rebuild(self.draft, select)
        self.validate_now()

    def _bank_chosen(self, _index: int) -> None:
        chosen = self.toolbar.current_id()
        if chosen is None or self.draft is None or chosen == self.draft.bank_id:
            return
        if not self.confirm_leave():
            self.toolbar.select(self.draft.bank_id)
            return
        self.open_bank(chosen)

    def confirm_leave(self) -> bool:
        """Before switching banks or closing: unsaved changes are saved, discarded or kept (returns False)."""
        if self.draft is None or not self.draft.dirty:
            return True
        name = self.draft.data.get("name") or self.draft.bank_id
        answer = ask(
            self,
            "Unsaved changes",
            f"Save the changes to '{name}'?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.revert()
            return True
        return False

    confirm_close = confirm_leave  # the main window asks every page before it closes

    def shutdown(self) -> None:
        self._timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_leave():
            event.accept()
        else:
            event.ignore()

    # -- editing -----------------------------------------------------------------------------------
    def current_form(self) -> RecordForm:
        widget = self.form_stack.currentWidget()
        assert isinstance(widget, RecordForm)
        return widget

    def _show_record(self, path: RecordPath) -> None:
        if self.draft is None:
            return
        if path == ():
            form = self.forms[BANK_FORM.title]
        elif path[0] == "questions":
            form = self.forms[QUESTION_FORM.title]
        elif len(path) == 2:
            form = self.forms[COMPETENCY_FORM.title]
        else:
            form = self.forms[CRITERION_FORM.title]
        form.bind(self.draft, path)
        self.form_stack.setCurrentWidget(form)
        self.exemplars.bind(self.draft, path)
        editable = not self.draft.read_only
        self.remove_button.setEnabled(editable and path != ())
        self.add_criterion_button.setEnabled(editable and bool(path) and path[0] == "competencies")

    def _edited(self, key: tuple[str, ...]) -> None:
        path = self.current_form().path
        if self.draft is None:
            return
        if key == ("competency",) or (len(path) == 2 and path[0] == "competencies"):
            self.outline.rebuild(self.draft, path)  # a question changes group, or a group's name changes
        else:
            self.outline.update_labels(self.draft, only=path)
        self._update_state()
        self._schedule()

    def _schedule(self) -> None:
        self._timer.start()

    def validate_now(self) -> list[BankProblem]:
        """Validate the draft with the bank loader's rules and show every problem where it belongs."""
        self._timer.stop()
        if self.draft is None:
            return []
        problems = [] if self.draft.read_only else self.draft.problems()
        self.current_form().show_problems(problems)
        self.outline.mark_problems(problems)
        self.problems.clear()
        for index, problem in enumerate(problems):
            item = QListWidgetItem(display_safe(in_coach_words(problem, self.draft.data)), self.problems)
            item.setToolTip(display_safe(f"{problem.location}: {problem.message}"))  # the YAML path, for the file
            item.setData(PROBLEM_ROLE, index)
        self.problems.setVisible(bool(problems))
        self._problem_list = problems
        self._update_state()
        self.validated.emit(len(problems))
        return problems

    def _update_state(self) -> None:
        draft = self.draft
        dirty = draft is not None and draft.dirty
        count = len(self._problem_list)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.toolbar.set_dirty(dirty)
        if draft is not None and draft.read_only:
            self.problem_count.setText("The built-in bank is read-only.")
        elif count:
            self.problem_count.setText(f"{count} problem{'s' if count > 1 else ''} to fix before saving")
        else:
            self.problem_count.setText("Unsaved changes" if dirty else "Saved")

    def _problem_activated(self, item: QListWidgetItem) -> None:
        index = item.data(PROBLEM_ROLE)
        if isinstance(index, int) and 0 <= index < len(self._problem_list):
            self.show_problem(self._problem_list[index])

    def show_problem(self, problem: BankProblem) -> None:
        """Select the record a problem is in and put the cursor in its field."""
        path = _record_of(problem.location)
        self.outline.select_path(path)
        self.current_form().focus_problem(problem)

    # -- structure ---------------------------------------------------------------------------------
    def _selected_competency(self) -> tuple[int | None, str | None]:
        path = self.outline.current_path() or ()
        if self.draft is None or not path:
            return None, None
        if path[0] == "competencies":
            index = int(path[1])
            return index, str(self.draft.get(("competencies", index, "id"), ""))
        return None, str(self.draft.get((*path, "competency"), "")) or None

    def add_question(self) -> None:
        if self.draft is None or self.draft.read_only:
            return
        _index, competency_id = self._selected_competency()
        path = self.draft.add_question(competency_id or (self.draft.competency_ids() or [""])[0])
        self._structure_changed(path)
        self.current_form().editor("text").focus_editor()

    def add_competency(self) -> None:
        if self.draft is not None and not self.draft.read_only:
            self._structure_changed(self.draft.add_competency())

    def add_criterion(self) -> None:
        index, _cid = self._selected_competency()
        if self.draft is not None and not self.draft.read_only and index is not None:
            self._structure_changed(self.draft.add_criterion(index))

    def remove_current(self) -> None:
        path = self.outline.current_path()
        if self.draft is not None and not self.draft.read_only and path:
            self._structure_changed(self.draft.remove(path))

    def _structure_changed(self, select: RecordPath) -> None:
        assert self.draft is not None
        self.outline.rebuild(self.draft, select)
        self.validate_now()

    # -- saving ------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save atomically through the library; refused (with every problem shown) while any remain."""
        draft = self.draft
        if draft is None or draft.read_only:
            return False
        problems = self.validate_now()
        if problems:
            self.messages.error(
                f"Not saved: fix the {len(problems)} problem{'s' if len(problems) > 1 else ''} first "
                f"(the first: {in_coach_words(problems[0], draft.data)})",
                "Show it",
                lambda: self.show_problem(problems[0]),
            )
            self.show_problem(problems[0])
            return False
        try:
            bank = draft.to_bank()
            path = self.context.banks.save(bank)
        except KnownError as exc:
            self.messages.error(exc, "Try again", self.save)
            return False
        selected = self.outline.current_path() or ()
        draft.mark_saved(self.context.banks.get(bank.id).bank)
        self._list_banks()  # the name may have changed
        self.outline.rebuild(draft, selected)
        self.validate_now()
        self.messages.info(f"Saved '{bank.name}' to {path}")
        self.saved.emit(path)
        self.banks_changed.emit()
        return True

    def revert(self) -> None:
        if self.draft is not None:
            selected = self.outline.current_path() or ()
            self.draft.revert()
            self.outline.rebuild(self.draft, selected if self.draft.get(selected) is not None else ())
            self.validate_now()


def _record_of(where: str) -> RecordPath:
    """The record a problem location is in: 'questions[3].text' -> ('questions', 3)."""
    match = re.match(r"^competencies\[(\d+)\](?:\.rubric\.criteria\[(\d+)\])?", where)
    if match:
        if match.group(2) is not None:
            return ("competencies", int(match.group(1)), "rubric", "criteria", int(match.group(2)))
        return ("competencies", int(match.group(1)))
    match = re.match(r"^questions\[(\d+)\]", where)
    return ("questions", int(match.group(1))) if match else ()
