"""The bank editor's exemplars beside a skill's rubric or a question: each graded sample answer with its grades,
and adding one from an answer a coach reviewed (saved with the bank, like any other edit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.banks.draft import BankDraft, RecordPath
from tpm_coach.coach.exemplar import MAX_PER_ITEM, exemplar_from_review
from tpm_coach.domain import AttemptRecord, CoachReview
from tpm_coach.errors import KnownError
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.style import button, label

Reviewed = Callable[[], list[tuple[AttemptRecord, CoachReview]]]


def describe(exemplar: dict[str, Any]) -> str:
    grades = ", ".join(f"{k} {v}" for k, v in dict(exemplar.get("grades", {})).items())
    answer = " ".join(str(exemplar.get("answer", "")).split())
    source = f" · {exemplar['source']}" if exemplar.get("source") else ""
    return f"[{grades}]{source}\n{answer[:160]}{'…' if len(answer) > 160 else ''}"


class ExemplarsPanel(QFrame):
    changed = Signal()  # the draft's exemplars were edited

    def __init__(self, reviewed: Reviewed, messages: MessageSink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reviewed = reviewed
        self.messages = messages
        self.draft: BankDraft | None = None
        self.path: RecordPath = ()
        self.candidates: list[tuple[AttemptRecord, CoachReview]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        self.title = label("Graded exemplars", "SectionTitle", self)
        layout.addWidget(self.title)
        self.listing = label("", "", self, wrap=True)
        self.listing.setObjectName("exemplarList")
        layout.addWidget(self.listing)
        row = QHBoxLayout()
        self.choice = QComboBox(self)
        self.choice.setObjectName("reviewedAnswers")
        row.addWidget(self.choice, 1)
        self.add = button("Add from reviewed answer", "", self)
        self.add.clicked.connect(self.add_chosen)
        row.addWidget(self.add)
        layout.addLayout(row)
        self.setVisible(False)

    def bind(self, draft: BankDraft, path: RecordPath) -> None:
        """Show the exemplars of a skill (("competencies", i)) or a question (("questions", i)); hide otherwise."""
        self.draft, self.path = draft, path
        shown = len(path) == 2 and path[0] in ("competencies", "questions")
        self.setVisible(shown)
        if not shown:
            return
        record = draft.get(path, {})
        skill = record.get("id") if path[0] == "competencies" else record.get("competency")
        self.candidates = [(r, v) for r, v in self.reviewed() if r.competency.id == skill]
        self.choice.clear()
        for record_, review in self.candidates:
            self.choice.addItem(f"Answer {record_.id} · {review.coach or 'coach'} · {record_.question.text[:60]}")
        self.add.setEnabled(bool(self.candidates) and not draft.read_only)
        self.choice.setEnabled(bool(self.candidates))
        if not self.candidates:
            self.choice.addItem("No answer of this skill has a coach review yet")
        self._show_list()

    def _exemplars(self) -> list[dict[str, Any]]:
        assert self.draft is not None
        return list(self.draft.get((*self.path, "exemplars"), []) or [])

    def _show_list(self) -> None:
        items = self._exemplars()
        where = "skill" if self.path[0] == "competencies" else "question"
        self.title.setText(f"Graded exemplars of this {where} ({len(items)} of {MAX_PER_ITEM})")
        self.listing.setText("\n\n".join(describe(e) for e in items) or "None yet: the judge uses the rubric alone.")

    def add_chosen(self) -> None:
        if self.draft is None or not self.candidates:
            return
        record, review = self.candidates[self.choice.currentIndex()]
        items = self._exemplars()
        if len(items) >= MAX_PER_ITEM:
            self.messages.warning(f"This item already has {MAX_PER_ITEM} exemplars; remove one first.")
            return
        try:
            exemplar = exemplar_from_review(record, review)
        except KnownError as exc:
            self.messages.error(exc)
            return
        self.draft.set((*self.path, "exemplars"), [*items, exemplar.model_dump(exclude_defaults=True)])
        self._show_list()
        self.changed.emit()
