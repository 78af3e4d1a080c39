"""Checks that a view shows outside text as text: a walk over a widget tree looking at what Qt would interpret.

A label in rich or auto-detected text format, a tooltip (always auto-detected), an item view's display and tooltip
data, a text browser's document, a message box.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QMessageBox,
    QTextEdit,
    QWidget,
)

from tests.support.hostile import CONTROL, LIVE_TAG, LIVE_TAG_IN_DOCUMENT
from tests.ui.history_qt_support import when_modal

# -- checks ------------------------------------------------------------------------------------------


def _indexes(model: QAbstractItemModel, parent: QModelIndex | QPersistentModelIndex) -> Iterator[QModelIndex]:
    # List and table models make columnCount() or hasChildren() private: they have one column or no children.
    flat = isinstance(model, QAbstractListModel | QAbstractTableModel)
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            yield index
            if not flat and column == 0 and model.hasChildren(index):
                yield from _indexes(model, index)


def _inside_combo(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def _text_problems(where: str, text: str, *, rich: bool) -> list[str]:
    found = []
    if rich and LIVE_TAG.search(text):
        found.append(f"{where} renders outside markup: {text!r}")
    if CONTROL.search(text):
        found.append(f"{where} shows control characters: {text!r}")
    return found


def _view_problems(where: str, view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    editable = view.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
    found = []
    for index in _indexes(model, QModelIndex()):
        cell = f"{where} cell ({index.row()}, {index.column()})"
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        if isinstance(tip, str):
            found += _text_problems(f"{cell} tooltip", tip, rich=True)
        display = index.data(Qt.ItemDataRole.DisplayRole)
        # A cell the user edits holds the stored value itself; what is checked is what is only shown.
        if isinstance(display, str) and not (editable and index.flags() & Qt.ItemFlag.ItemIsEditable):
            found += _text_problems(cell, display, rich=False)
    return found


def _fragment_tooltips(editor: QTextEdit) -> Iterator[str]:
    """The tooltips a document's text carries (from a title attribute); the editor shows them on hover."""
    block = editor.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            yield fragments.fragment().charFormat().toolTip()
            fragments += 1
        block = block.next()


def display_problems(root: QWidget) -> list[str]:
    """Every place under `root` where outside markup would be rendered or a control character shown."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        found += _text_problems(f"{where} tooltip", widget.toolTip(), rich=True)
        if isinstance(widget, QLabel):
            rich = widget.textFormat() != Qt.TextFormat.PlainText
            found += _text_problems(where, widget.text(), rich=rich)
        elif isinstance(widget, QTextEdit):
            # Only the body is laid out; toHtml() writes the document's <title> back unescaped.
            body = widget.toHtml().partition("<body")[2]
            if LIVE_TAG_IN_DOCUMENT.search(body):
                found.append(f"{where} renders outside markup: {body!r}")
            found += _text_problems(where, widget.toPlainText(), rich=False)
            for tip in _fragment_tooltips(widget):
                found += _text_problems(f"{where} text tooltip", tip, rich=True)
        elif isinstance(widget, QAbstractButton):
            found += _text_problems(where, widget.text(), rich=False)
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            for i in range(widget.count()):
                found += _text_problems(f"{where} item {i}", widget.itemText(i), rich=False)
        if isinstance(widget, QAbstractItemView) and not _inside_combo(widget):
            found += _view_problems(where, widget)
    return found


def answer_message_box_recording(button: QMessageBox.StandardButton) -> list[tuple[Qt.TextFormat, str, str]]:
    """Click `button` in the next modal message box; the list receives its text format, text and informative text."""
    seen: list[tuple[Qt.TextFormat, str, str]] = []

    def click(widget: QWidget) -> bool:
        if not isinstance(widget, QMessageBox):
            return False
        seen.append((widget.textFormat(), widget.text(), widget.informativeText()))
        target = widget.button(button)
        if target is None:
            raise AssertionError(f"the message box {widget.text()!r} has no {button} button")
        target.click()
        return True

    when_modal(click)
    return seen


def message_box_problems(seen: list[tuple[Qt.TextFormat, str, str]]) -> list[str]:
    found = []
    for text_format, text, informative in seen:
        rich = text_format != Qt.TextFormat.PlainText
        found += _text_problems("message box", text, rich=rich)
        found += _text_problems("message box details", informative, rich=rich)
    return found
