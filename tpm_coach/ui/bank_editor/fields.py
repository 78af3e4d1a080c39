"""The editors behind each bank editor field: a common value/changed/read-only interface over Qt widgets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from tpm_coach.banks.forms import CHOICE_NAMES, FieldKind, FieldSpec
from tpm_coach.display_text import display_safe
from tpm_coach.ui.bank_editor.anchors import AnchorTable
from tpm_coach.ui.widgets.plain_label import PlainLabel


class FieldEditor(QWidget):
    """One field: `value()` gives what the data should hold, `changed` fires on every user edit."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._loading = False
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show a stored value without reporting it as an edit."""
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def focus_editor(self) -> None:
        self.setFocus()

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()


class TextEditor(FieldEditor):
    """LINE, TEXT, LINES and TAGS: text in, str or list[str] out."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        if spec.kind in (FieldKind.TEXT, FieldKind.LINES):
            self.edit: QLineEdit | QPlainTextEdit = QPlainTextEdit()
            self.edit.setTabChangesFocus(True)
            self.edit.setFixedHeight(74 if spec.kind is FieldKind.TEXT else 96)
            self.edit.textChanged.connect(self._edited)
        else:
            self.edit = QLineEdit()
            self.edit.textEdited.connect(self._edited)
        self.layout_.addWidget(self.edit)

    def _text(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()

    def value(self) -> Any:
        text = self._text()
        if self.spec.kind is FieldKind.LINES:
            return [line.strip() for line in text.splitlines() if line.strip()]
        if self.spec.kind is FieldKind.TAGS:
            return [tag.strip() for tag in text.split(",") if tag.strip()]
        return text

    def _show(self, value: Any) -> None:
        if self.spec.kind is FieldKind.LINES:
            text = "\n".join(str(v) for v in value or [])
        elif self.spec.kind is FieldKind.TAGS:
            text = ", ".join(str(v) for v in value or [])
        else:
            text = "" if value is None else str(value)
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def focus_editor(self) -> None:
        self.edit.setFocus()


class ChoiceEditor(FieldEditor):
    """CHOICE (a fixed list) and COMPETENCY (the bank's skills and the built-in ones), each shown by its name and
    stored by its id."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        self._fill(list(spec.choices), CHOICE_NAMES)
        self.combo.currentIndexChanged.connect(self._edited)
        self.layout_.addWidget(self.combo)
        self.layout_.addStretch(1)
        self.combo.setMinimumWidth(240)

    def _fill(self, ids: Sequence[str], names: Mapping[str, str]) -> None:
        self.combo.clear()
        for item_id in ids:
            self.combo.addItem(display_safe(names.get(item_id) or item_id), item_id)
            self.combo.setItemData(self.combo.count() - 1, item_id, Qt.ItemDataRole.ToolTipRole)

    def set_choices(self, choices: Sequence[str], names: Mapping[str, str] | None = None) -> None:
        current = self.value()
        self._loading = True
        try:
            self._fill(choices, names or {})
            self._show(current)
        finally:
            self._loading = False

    def value(self) -> Any:
        data = self.combo.currentData()
        return str(data).strip() if data is not None else self.combo.currentText().strip()

    def _show(self, value: Any) -> None:
        item_id = "" if value is None else str(value)
        index = self.combo.findData(item_id)
        if index < 0:
            self.combo.addItem(item_id, item_id)  # an invalid stored value stays visible so its error makes sense
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def set_read_only(self, read_only: bool) -> None:
        self.combo.setEnabled(not read_only)

    def focus_editor(self) -> None:
        self.combo.setFocus()


# The bank format's bounds (domain/bank.py), so a value the bank would refuse cannot be typed at all.
WEIGHT_RANGE = (0.01, 100.0)
TIME_LIMIT_RANGE = (15, 1800)
_NO_LIMIT = TIME_LIMIT_RANGE[0] - 1  # the step below the shortest limit reads "No limit" and stores nothing


class NumberEditor(FieldEditor):
    """OPTIONAL_SECONDS ("No limit" stores nothing) and WEIGHT, each bounded as the bank format is."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        if spec.kind is FieldKind.WEIGHT:
            self.spin: QSpinBox | QDoubleSpinBox = QDoubleSpinBox()
            self.spin.setRange(*WEIGHT_RANGE)
            self.spin.setDecimals(2)
            self.spin.setSingleStep(0.5)
        else:
            self.spin = QSpinBox()
            self.spin.setRange(_NO_LIMIT, TIME_LIMIT_RANGE[1])
            self.spin.setSingleStep(15)
            self.spin.setSuffix(" s")
            self.spin.setSpecialValueText("No limit")
        self.spin.valueChanged.connect(self._edited)
        self.layout_.addWidget(self.spin)
        self.layout_.addStretch(1)

    def value(self) -> Any:
        if self.spec.kind is FieldKind.WEIGHT:
            return float(self.spin.value())
        seconds = int(self.spin.value())
        return None if seconds <= _NO_LIMIT else seconds

    def _show(self, value: Any) -> None:
        if isinstance(self.spin, QDoubleSpinBox):
            self.spin.setValue(float(value) if value is not None else 1.0)
        else:
            self.spin.setValue(int(value or _NO_LIMIT))

    def set_read_only(self, read_only: bool) -> None:
        self.spin.setReadOnly(read_only)

    def focus_editor(self) -> None:
        self.spin.setFocus()


class ScaleEditor(FieldEditor):
    scale_changed = Signal(int, int)

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.minimum = QSpinBox()
        self.maximum = QSpinBox()
        for spin in (self.minimum, self.maximum):
            spin.setRange(0, 10)
            spin.valueChanged.connect(self._edited)
            spin.valueChanged.connect(lambda _v: self.scale_changed.emit(*self._bounds()))
        self.layout_.addWidget(PlainLabel("from"))
        self.layout_.addWidget(self.minimum)
        self.layout_.addWidget(PlainLabel("to"))
        self.layout_.addWidget(self.maximum)
        self.layout_.addStretch(1)

    def _bounds(self) -> tuple[int, int]:
        return self.minimum.value(), self.maximum.value()

    def value(self) -> Any:
        low, high = self._bounds()
        return {"min": low, "max": high}

    def _show(self, value: Any) -> None:
        value = value or {}
        self.minimum.setValue(int(value.get("min", 1)))
        self.maximum.setValue(int(value.get("max", 5)))

    def set_read_only(self, read_only: bool) -> None:
        self.minimum.setReadOnly(read_only)
        self.maximum.setReadOnly(read_only)


class AnchorsEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.table = AnchorTable()
        self.table.edited.connect(self._edited)
        self.layout_.addWidget(self.table)

    def set_scale(self, low: int, high: int) -> None:
        self.table.set_scale(low, high)

    def value(self) -> Any:
        return self.table.anchors()

    def _show(self, value: Any) -> None:
        self.table.set_anchors(value or {})

    def set_read_only(self, read_only: bool) -> None:
        self.table.set_read_only(read_only)

    def focus_editor(self) -> None:
        self.table.setFocus()


class ReadOnlyEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.label = PlainLabel()  # a stored value, shown as written
        self.label.setObjectName("Muted")
        self.layout_.addWidget(self.label)
        self._value: Any = None

    def value(self) -> Any:
        return self._value

    def _show(self, value: Any) -> None:
        self._value = value
        self.label.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        pass


def make_editor(spec: FieldSpec) -> FieldEditor:
    kind = spec.kind
    if kind in (FieldKind.LINE, FieldKind.TEXT, FieldKind.LINES, FieldKind.TAGS):
        return TextEditor(spec)
    if kind in (FieldKind.CHOICE, FieldKind.COMPETENCY):
        return ChoiceEditor(spec)
    if kind in (FieldKind.OPTIONAL_SECONDS, FieldKind.WEIGHT):
        return NumberEditor(spec)
    if kind is FieldKind.SCALE:
        return ScaleEditor(spec)
    if kind is FieldKind.ANCHORS:
        return AnchorsEditor(spec)
    return ReadOnlyEditor(spec)
