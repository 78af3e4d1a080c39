"""One bank editor form (bank, skill, criterion or question), with each problem shown beside its field."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from tpm_coach.banks.draft import BankDraft, RecordPath, location
from tpm_coach.banks.forms import FieldKind, FormSpec, field_location, problems_for
from tpm_coach.errors import BankProblem
from tpm_coach.ui.bank_editor.fields import AnchorsEditor, ChoiceEditor, FieldEditor, ScaleEditor, make_editor
from tpm_coach.ui.widgets.plain_label import PlainLabel

ERROR_STYLE = "color: #b91c1c;"


def _error_label() -> QLabel:
    error = PlainLabel()
    error.setWordWrap(True)
    error.setStyleSheet(ERROR_STYLE)
    error.setProperty("role", "fieldError")
    error.hide()
    return error


class RecordForm(QWidget):
    edited = Signal(object)  # the field key (a tuple) that changed

    def __init__(self, spec: FormSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.draft: BankDraft | None = None
        self.path: RecordPath = ()
        self.editors: dict[tuple[str, ...], FieldEditor] = {}
        self.errors: dict[tuple[str, ...], QLabel] = {}

        self.title = PlainLabel(spec.title)
        self.title.setObjectName("SectionTitle")
        self.general_error = _error_label()
        self.general_error.setObjectName("formError")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for field_spec in spec.fields:
            editor = make_editor(field_spec)
            editor.setObjectName("field_" + "_".join(field_spec.key))
            error = _error_label()
            error.setObjectName("error_" + "_".join(field_spec.key))
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 4)
            column.setSpacing(2)
            column.addWidget(editor)
            if field_spec.hint:
                hint = PlainLabel(field_spec.hint)
                hint.setObjectName("Muted")
                hint.setWordWrap(True)
                column.addWidget(hint)
            column.addWidget(error)
            form.addRow(field_spec.label, cell)
            self.editors[field_spec.key] = editor
            self.errors[field_spec.key] = error
            editor.changed.connect(lambda key=field_spec.key: self._changed(key))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addStretch(1)

    # -- binding -----------------------------------------------------------------------------------
    def bind(self, draft: BankDraft, path: RecordPath) -> None:
        """Show the record at `path`; edits go straight into `draft`."""
        self.draft = draft
        self.path = path
        for key, editor in self.editors.items():
            if isinstance(editor, ChoiceEditor) and editor.spec.kind is FieldKind.COMPETENCY:
                editor.set_choices(draft.competency_ids(), draft.competency_names())
            if isinstance(editor, AnchorsEditor):
                scale = draft.get((*path[:-3], "rubric", "scale"), {}) or {}
                editor.set_scale(int(scale.get("min", 1)), int(scale.get("max", 5)))
            editor.set_value(draft.get((*path, *key)))
            editor.set_read_only(draft.read_only)
        self.show_problems(draft.problems())

    def editor(self, *key: str) -> FieldEditor:
        return self.editors[tuple(key)]

    def _changed(self, key: tuple[str, ...]) -> None:
        if self.draft is None or self.draft.read_only:
            return
        editor = self.editors[key]
        if self.draft.set((*self.path, *key), editor.value()):
            self.edited.emit(key)

    # -- problems ----------------------------------------------------------------------------------
    def show_problems(self, problems: Sequence[BankProblem]) -> int:
        """Put each problem inside this record beside its field; returns how many there are."""
        found = problems_for(problems, location(self.path), self.spec)
        for key, messages in found.by_field.items():
            label = self.errors[key]
            label.setText("\n".join(messages))
            label.setVisible(bool(messages))
        self.general_error.setText("\n".join(found.general))
        self.general_error.setVisible(bool(found.general))
        return found.count

    def field_error(self, *key: str) -> str:
        label = self.errors[tuple(key)]
        return label.text() if not label.isHidden() else ""

    def focus_problem(self, problem: BankProblem) -> None:
        prefix = location(self.path)
        for spec in self.spec.fields:
            where = field_location(prefix, spec)
            if problem.location == where or problem.location.startswith((where + ".", where + "[")):
                self.editors[spec.key].focus_editor()
                return

    def scale_editor(self) -> ScaleEditor | None:
        editor = self.editors.get(("rubric", "scale"))
        return editor if isinstance(editor, ScaleEditor) else None
