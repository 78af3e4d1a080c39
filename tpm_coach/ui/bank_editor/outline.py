"""The bank's outline: the bank, its skills with their rubric criteria, and its questions grouped by skill."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from tpm_coach.banks.draft import BankDraft, RecordPath, location, within
from tpm_coach.display_text import display_safe
from tpm_coach.errors import BankProblem
from tpm_coach.ui.widgets.safe_text import tooltip

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
_ERROR = QColor("#b91c1c")


def _excerpt(text: str, limit: int = 70) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class BankOutline(QTreeWidget):
    record_selected = Signal(object)  # a RecordPath; () is the bank itself

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bankOutline")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.currentItemChanged.connect(self._current_changed)
        self._warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        # Items hold an index into this list: Qt would turn a stored tuple into a list.
        self._paths: list[RecordPath] = []

    # -- building ----------------------------------------------------------------------------------
    def rebuild(self, draft: BankDraft, select: RecordPath | None = ()) -> None:
        self.blockSignals(True)
        self.clear()
        self._paths = []
        data = draft.data
        root = self._item(None, self._bank_label(data), ())
        skills = self._item(root, "Skills and rubrics", None)
        for i, competency in enumerate(data.get("competencies", [])):
            skill = self._item(skills, self._competency_label(competency), ("competencies", i))
            for j, criterion in enumerate(competency.get("rubric", {}).get("criteria", [])):
                self._item(skill, self._criterion_label(criterion), ("competencies", i, "rubric", "criteria", j))
        questions = self._item(root, "Questions", None)
        names = {c.id: c.name for c in draft.known_competencies}
        names.update({str(c.get("id")): str(c.get("name", "")) for c in data.get("competencies", [])})
        groups: dict[str, QTreeWidgetItem] = {}
        for i, question in enumerate(data.get("questions", [])):
            cid = str(question.get("competency", ""))
            if cid not in groups:
                groups[cid] = self._item(questions, names.get(cid) or cid or "(no skill)", None)
            self._item(groups[cid], self._question_label(question), ("questions", i))
        root.setExpanded(True)
        skills.setExpanded(True)
        questions.setExpanded(True)
        self.blockSignals(False)
        if select is not None:
            self.select_path(select)

    def _item(self, parent: QTreeWidgetItem | None, text: str, path: RecordPath | None) -> QTreeWidgetItem:
        text = display_safe(text)
        item = QTreeWidgetItem([text]) if parent is None else QTreeWidgetItem(parent, [text])
        if parent is None:
            self.addTopLevelItem(item)
        if path is not None:
            self._paths.append(path)
            item.setData(0, PATH_ROLE, len(self._paths) - 1)
        item.setToolTip(0, tooltip(text))
        if path is None:  # a heading: opens and closes, shows no form
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    @staticmethod
    def _bank_label(data: dict[str, Any]) -> str:
        return f"{data.get('name') or data.get('id', '')}"

    @staticmethod
    def _competency_label(competency: dict[str, Any]) -> str:
        return str(competency.get("name") or competency.get("id") or "(unnamed skill)")

    @staticmethod
    def _criterion_label(criterion: dict[str, Any]) -> str:
        return str(criterion.get("name") or criterion.get("id") or "(unnamed criterion)")

    @staticmethod
    def _question_label(question: dict[str, Any]) -> str:
        return f"{question.get('id', '')} — {_excerpt(question.get('text', '')) or '(no text yet)'}"

    def path_of(self, item: QTreeWidgetItem) -> RecordPath | None:
        index = item.data(0, PATH_ROLE)
        return self._paths[index] if isinstance(index, int) else None

    # -- updating in place -------------------------------------------------------------------------
    def items(self) -> Iterator[QTreeWidgetItem]:
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def update_labels(self, draft: BankDraft, only: RecordPath | None = None) -> None:
        """Refresh labels after an edit (ids, names and question texts show here); `only` limits it to one record."""
        for item in self.items():
            path = self.path_of(item)
            if path is None or (only is not None and path != only):
                continue
            record = draft.get(path) if path else draft.data
            if not isinstance(record, dict):
                continue
            if path == ():
                text = self._bank_label(record)
            elif path[0] == "questions":
                text = self._question_label(record)
            elif len(path) == 2:
                text = self._competency_label(record)
            else:
                text = self._criterion_label(record)
            item.setText(0, display_safe(text))

    def mark_problems(self, problems: Sequence[BankProblem]) -> None:
        """Red text and a warning icon on every record with a problem, and on the headings above it."""
        marked: set[int] = set()
        for item in self.items():
            path = self.path_of(item)
            if path is None:
                continue
            where = location(path)
            if path == ():
                count = sum(1 for p in problems if not p.location.startswith(("competencies[", "questions[")))
            else:
                count = sum(1 for p in problems if within(p.location, where))
            if count:
                node: QTreeWidgetItem | None = item
                while node is not None:
                    marked.add(id(node))
                    node = node.parent()
                item.setToolTip(0, f"{count} problem{'s' if count > 1 else ''}: select it to see them")
            else:
                item.setToolTip(0, tooltip(item.text(0)))
        for item in self.items():
            bad = id(item) in marked
            item.setForeground(0, QBrush(_ERROR) if bad else QBrush())
            item.setIcon(0, self._warning if bad else QIcon())

    # -- selection ---------------------------------------------------------------------------------
    def select_path(self, path: RecordPath) -> None:
        for item in self.items():
            if self.path_of(item) == path:
                self.setCurrentItem(item)
                self.scrollToItem(item)
                return

    def current_path(self) -> RecordPath | None:
        item = self.currentItem()
        return None if item is None else self.path_of(item)

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        path = None if current is None else self.path_of(current)
        if path is not None:
            self.record_selected.emit(path)
