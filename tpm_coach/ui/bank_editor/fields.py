"""The editors behind each bank editor field: a common value/changed/read-only interface over Qt widgets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from tpm_coach.banks.forms import FieldKind, FieldSpec
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
    """CHOICE (a fixed list) and COMPETENCY (known ids, but any id may be typed)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        self.combo.setEditable(spec.kind is FieldKind.COMPETENCY)
        self.combo.addItems(list(spec.choices))
        self.combo.currentTextChanged.connect(self._edited)
        self.layout_.addWidget(self.combo)
        self.layout_.addStretch(1)
        self.combo.setMinimumWidth(240)

    def set_choices(self, choices: Sequence[str]) -> None:
        current = self.combo.currentText()
        self._loading = True
        try:
            self.combo.clear()
            self.combo.addItems(list(choices))
            self.combo.setCurrentText(current)
        finally:
            self._loading = False

    def value(self) -> Any:
        return self.combo.currentText().strip()

    def _show(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.combo.findText(text) < 0 and not self.combo.isEditable():
            self.combo.addItem(text)  # an invalid stored value stays visible so its error makes sense
        self.combo.setCurrentText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.combo.setEnabled(not read_only)

    def focus_editor(self) -> None:
        self.combo.setFocus()


class NumberEditor(FieldEditor):
    """OPTIONAL_SECONDS (0 shows as "No limit" and stores nothing) and WEIGHT."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        if spec.kind is FieldKind.WEIGHT:
            self.spin: QSpinBox | QDoubleSpinBox = QDoubleSpinBox()
            self.spin.setRange(0.0, 1000.0)
            self.spin.setDecimals(2)
            self.spin.setSingleStep(0.5)
        else:
            self.spin = QSpinBox()
            self.spin.setRange(0, 7200)
            self.spin.setSingleStep(15)
            self.spin.setSuffix(" s")
            self.spin.setSpecialValueText("No limit")
        self.spin.valueChanged.connect(self._edited)
        self.layout_.addWidget(self.spin)
        self.layout_.addStretch(1)

    def value(self) -> Any:
        if self.spec.kind is FieldKind.WEIGHT:
            return float(self.spin.value())
        return int(self.spin.value()) or None

    def _show(self, value: Any) -> None:
        self.spin.setValue(value or 0)

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
