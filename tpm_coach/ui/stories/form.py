"""The fields of one story, editable; `story()` checks them into a Story or raises StoryError."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QLineEdit, QPlainTextEdit, QWidget

from tpm_coach.errors import StoryError
from tpm_coach.stories import Story
from tpm_coach.stories.draft import StoryDraft

_PARTS = ("situation", "task", "action", "result")


class StoryForm(QWidget):
    def __init__(self, skills: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout(self)
        self.id_edit = QLineEdit(self)
        self.id_edit.setObjectName("storyId")
        self.id_edit.setPlaceholderText("e.g. vendor-slip")
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("storyTitle")
        self.role_edit = QLineEdit(self)
        self.role_edit.setPlaceholderText("optional: your role then")
        self.when_edit = QLineEdit(self)
        self.when_edit.setPlaceholderText("optional: e.g. 2023")
        self.parts: dict[str, QPlainTextEdit] = {}
        layout.addRow("Id", self.id_edit)
        layout.addRow("Title", self.title_edit)
        for part in _PARTS:
            edit = QPlainTextEdit(self)
            edit.setObjectName(f"story_{part}")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(54)
            self.parts[part] = edit
            layout.addRow(part.capitalize(), edit)
        grid = QGridLayout()
        self.skill_boxes: dict[str, QCheckBox] = {}
        for i, (skill_id, name) in enumerate(skills):
            box = QCheckBox(name, self)
            box.setObjectName(f"skill_{skill_id}")
            self.skill_boxes[skill_id] = box
            grid.addWidget(box, i // 2, i % 2)
        layout.addRow("Skills", grid)
        layout.addRow("Role", self.role_edit)
        layout.addRow("When", self.when_edit)
        self.editing: str | None = None  # the id of the saved story being edited, None for a new one

    def show_story(self, story: Story | None) -> None:
        self.editing = story.id if story else None
        self.show_draft(
            StoryDraft(
                id=story.id,
                title=story.title,
                situation=story.situation,
                task=story.task,
                action=story.action,
                result=story.result,
                skills=list(story.skills),
            )
            if story
            else StoryDraft()
        )
        self.role_edit.setText(story.role or "" if story else "")
        self.when_edit.setText(story.when or "" if story else "")

    def show_draft(self, draft: StoryDraft) -> None:
        self.id_edit.setText(draft.id)
        self.title_edit.setText(draft.title)
        for part in _PARTS:
            self.parts[part].setPlainText(getattr(draft, part))
        for skill_id, box in self.skill_boxes.items():
            box.setChecked(skill_id in draft.skills)

    def story(self) -> Story:
        fields: dict[str, object] = {
            "id": self.id_edit.text().strip(),
            "title": self.title_edit.text(),
            **{part: edit.toPlainText() for part, edit in self.parts.items()},
            "skills": [skill for skill, box in self.skill_boxes.items() if box.isChecked()],
        }
        for key, edit in (("role", self.role_edit), ("when", self.when_edit)):
            if edit.text().strip():
                fields[key] = edit.text()
        try:
            return Story.model_validate(fields)
        except ValidationError as exc:
            problems = [f"{'.'.join(str(p) for p in err['loc'])}: {_plain(err)}" for err in exc.errors()]
            raise StoryError(problems, "fill in every part and tick at least one skill") from None


def _plain(err: object) -> str:
    assert isinstance(err, dict)
    kind = err.get("type", "")
    if kind in ("string_too_short", "missing"):
        return "is empty"
    if kind == "too_short":
        return "tick at least one skill"
    if kind == "string_pattern_mismatch":
        return "use lower-case letters, digits and '-' (e.g. vendor-slip)"
    return str(err.get("msg", "is not valid"))
