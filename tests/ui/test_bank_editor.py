"""The bank editor: read-only built-in bank, duplicating, editing with inline validation, and atomic saves."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.ui import view_support
from tests.ui.history_qt_support import accept_dialog, answer_message_box
from tpm_coach.banks import DEFAULT_BANK_ID, load_bank
from tpm_coach.banks.forms import CHOICE_NAMES
from tpm_coach.context import AppContext
from tpm_coach.errors import BankError
from tpm_coach.paths import default_bank_path
from tpm_coach.ui.bank_editor.duplicate import DuplicateBankDialog
from tpm_coach.ui.bank_editor.fields import TextEditor
from tpm_coach.ui.bank_editor.view import BankEditorView
from tpm_coach.ui.messages import MessageSink

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


ctx = view_support.ctx


@pytest.fixture
def editor(qtbot: QtBot, ctx: AppContext, messages: MessageSink) -> Iterator[BankEditorView]:
    yield from view_support.shown_bank_editor(ctx, messages)


def _duplicate(qtbot: QtBot, editor: BankEditorView, new_id: str = "mine") -> None:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, DuplicateBankDialog)
        dialog.bank_id.setText(new_id)
        dialog.name.setText("My TPM bank")

    accept_dialog(DuplicateBankDialog, fill)
    dialog = editor.bank_actions.ask_duplicate()
    assert dialog is not None
    qtbot.waitUntil(lambda: editor.draft is not None and editor.draft.bank_id == new_id, timeout=5000)


def _select_question(editor: BankEditorView, question_index: int) -> TextEditor:
    editor.outline.select_path(("questions", question_index))
    form = editor.current_form()
    assert form.spec.title == "Question"
    text = form.editor("text")
    assert isinstance(text, TextEditor)
    return text


def _type(qtbot: QtBot, editor: BankEditorView, field: TextEditor, text: str, *, replace: bool = False) -> None:
    """Type into a field like a user and wait for the editor to re-validate."""
    field.edit.setFocus()
    if replace:
        field.edit.selectAll()
        qtbot.keyClick(field.edit, Qt.Key.Key_Delete)
    if isinstance(field.edit, QPlainTextEdit):
        field.edit.moveCursor(field.edit.textCursor().MoveOperation.End)
    with qtbot.waitSignal(editor.validated, timeout=5000):
        for number, line in enumerate(text.split("\n")):
            if number:
                qtbot.keyClick(field.edit, Qt.Key.Key_Return)  # keyClicks cannot type a line break
            qtbot.keyClicks(field.edit, line)


def test_the_built_in_bank_is_read_only(qtbot: QtBot, editor: BankEditorView, ctx: AppContext) -> None:
    before = default_bank_path().read_bytes()
    assert editor.draft is not None and editor.draft.bank_id == DEFAULT_BANK_ID
    assert editor.toolbar.notice.isVisible()
    assert not editor.toolbar.delete_button.isEnabled()
    assert not editor.add_question_button.isVisible()
    text = _select_question(editor, 0)
    assert text.edit.isReadOnly()
    assert not editor.save_button.isEnabled()

    with pytest.raises(BankError):
        editor.draft.set(("questions", 0, "text"), "changed")
    assert editor.save() is False
    assert editor.bank_actions.delete_bank() is False
    assert default_bank_path().read_bytes() == before
    assert not list(ctx.data_paths.banks.glob("*.yaml"))


def test_duplicate_dialog_checks_the_id(qtbot: QtBot, editor: BankEditorView) -> None:
    dialog = editor.bank_actions.ask_duplicate()
    assert dialog is not None
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.bank_id.text() == "my-default"
    assert ok.isEnabled()
    dialog.bank_id.setText("default")
    assert not ok.isEnabled()
    assert "already exists" in dialog.error.text()
    dialog.bank_id.setText("Not An Id")
    assert not ok.isEnabled()
    dialog.reject()


def test_edit_a_question_in_a_duplicated_bank_and_save(
    qtbot: QtBot, editor: BankEditorView, ctx: AppContext, messages: MessageSink
) -> None:
    _duplicate(qtbot, editor)
    assert not editor.toolbar.notice.isVisible()
    text = _select_question(editor, 2)
    assert not text.edit.isReadOnly()

    _type(qtbot, editor, text, " Name the decision you made.")
    assert editor.draft is not None and editor.draft.dirty
    assert editor.toolbar.dirty_chip.isVisible()
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save_button.click()

    path = saved.args[0]
    assert path == ctx.data_paths.banks / "mine.yaml"
    reloaded = load_bank(path, ctx.banks.get(DEFAULT_BANK_ID).bank.competencies)
    assert reloaded.questions[2].text.endswith("Name the decision you made.")
    assert ctx.banks.get("mine").bank.questions[2].text.endswith("Name the decision you made.")
    assert not editor.draft.dirty
    assert editor.outline.current_path() == ("questions", 2)  # the editor stays where the user was
    assert messages.history[-1].text.startswith("Saved 'My TPM bank'")


def test_an_invalid_edit_is_shown_beside_the_field_and_not_saved(
    qtbot: QtBot, editor: BankEditorView, ctx: AppContext, messages: MessageSink
) -> None:
    _duplicate(qtbot, editor)
    on_disk = (ctx.data_paths.banks / "mine.yaml").read_bytes()
    text = _select_question(editor, 0)
    _type(qtbot, editor, text, "", replace=True)

    form = editor.current_form()
    assert form.field_error("text") == "a question needs its text"
    assert form.field_error("kind") == ""
    assert editor.problems.count() == 1
    # Said as a coach would, not as a YAML path; the path is in the tooltip for whoever edits the file.
    assert editor.problems.item(0).text() == "Question 1: a question needs its text"
    assert editor.problems.item(0).toolTip().startswith("questions[0].text: ")
    assert "1 problem" in editor.problem_count.text()

    assert editor.save() is False
    assert (ctx.data_paths.banks / "mine.yaml").read_bytes() == on_disk
    assert messages.history[-1].level == "error"
    assert messages.history[-1].text.startswith("Not saved: fix the 1 problem first")

    _type(qtbot, editor, text, "What would you do in your first month?")
    assert form.field_error("text") == ""
    assert editor.save() is True
    saved = load_bank(ctx.data_paths.banks / "mine.yaml", ctx.banks.get(DEFAULT_BANK_ID).bank.competencies)
    assert saved.questions[0].text == "What would you do in your first month?"


def test_time_limit_and_rubric_problems_show_where_they_belong(qtbot: QtBot, editor: BankEditorView) -> None:
    _duplicate(qtbot, editor)
    _select_question(editor, 0)
    limit = editor.current_form().editor("time_limit_s")
    with qtbot.waitSignal(editor.validated, timeout=5000):
        limit.spin.setValue(615)  # type: ignore[attr-defined]
    assert editor.draft is not None and editor.draft.get(("questions", 0, "time_limit_s")) == 615
    # Under the shortest limit there is only "No limit": a limit the bank would refuse cannot be entered.
    limit.spin.setValue(5)  # type: ignore[attr-defined]
    assert limit.spin.text() == "No limit"  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: editor.draft is not None and editor.draft.get(("questions", 0, "time_limit_s")) is None)
    assert editor.current_form().field_error("time_limit_s") == ""
    assert editor.problems.count() == 0

    # The top anchor of a criterion is required: the rubric's problem shows on its skill.
    editor.outline.select_path(("competencies", 0, "rubric", "criteria", 0))
    anchors = editor.current_form().editor("anchors")
    with qtbot.waitSignal(editor.validated, timeout=5000):
        anchors.table.set_text(5, "")  # type: ignore[attr-defined]
    editor.outline.select_path(("competencies", 0))
    assert "missing [5]" in editor.current_form().general_error.text()
    assert editor.save() is False


def test_add_a_question_and_a_criterion(qtbot: QtBot, editor: BankEditorView, ctx: AppContext) -> None:
    _duplicate(qtbot, editor)
    editor.outline.select_path(("competencies", 4))  # Communication
    editor.add_question_button.click()
    form = editor.current_form()
    assert form.editor("competency").value() == "communication"
    assert form.field_error("text") == "a question needs its text"
    assert form.field_error("strong_answer") == "a question needs at least 1 strong-answer point"

    _type(qtbot, editor, form.editor("text"), "How do you tell an executive a launch will slip?")  # type: ignore[arg-type]
    _type(qtbot, editor, form.editor("strong_answer"), "Leads with the new date\nSays what was done to avoid it")  # type: ignore[arg-type]
    assert editor.problems.count() == 0
    new_id = form.editor("id").value()

    editor.outline.select_path(("competencies", 4))
    editor.add_criterion_button.click()
    assert editor.current_form().spec.title == "Rubric criterion"
    criterion = editor.current_form()
    assert "needs at least 1 listen-for phrase" in criterion.field_error(
        "listen_for"
    )  # a new criterion still needs signals
    editor.remove_button.click()
    assert editor.problems.count() == 0

    assert editor.save() is True
    saved = load_bank(ctx.data_paths.banks / "mine.yaml", ctx.banks.get(DEFAULT_BANK_ID).bank.competencies)
    added = next(q for q in saved.questions if q.id == new_id)
    assert added.competency == "communication"
    assert added.strong_answer == ["Leads with the new date", "Says what was done to avoid it"]


def test_unsaved_changes_are_not_lost_silently(qtbot: QtBot, editor: BankEditorView, ctx: AppContext) -> None:
    _duplicate(qtbot, editor)
    path = ctx.data_paths.banks / "mine.yaml"
    on_disk = path.read_bytes()
    text = _select_question(editor, 1)
    _type(qtbot, editor, text, " Edited.")
    default_index = editor.bank_combo.findData(DEFAULT_BANK_ID)

    asked = answer_message_box(QMessageBox.StandardButton.Cancel)
    editor.bank_combo.setCurrentIndex(default_index)
    assert asked == ["Save the changes to 'My TPM bank'?"]
    assert editor.draft is not None and editor.draft.bank_id == "mine" and editor.draft.dirty
    assert editor.bank_combo.currentData() == "mine"

    answer_message_box(QMessageBox.StandardButton.Cancel)
    assert editor.confirm_close() is False
    assert editor.draft.dirty

    answer_message_box(QMessageBox.StandardButton.Save)
    editor.bank_combo.setCurrentIndex(default_index)
    assert editor.draft.bank_id == DEFAULT_BANK_ID
    assert path.read_bytes() != on_disk
    assert ctx.banks.get("mine").bank.questions[1].text.endswith("Edited.")

    editor.bank_combo.setCurrentIndex(editor.bank_combo.findData("mine"))
    text = _select_question(editor, 1)
    _type(qtbot, editor, text, " Thrown away.")
    answer_message_box(QMessageBox.StandardButton.Discard)
    editor.bank_combo.setCurrentIndex(default_index)
    assert editor.draft.bank_id == DEFAULT_BANK_ID
    assert not ctx.banks.get("mine").bank.questions[1].text.endswith("Thrown away.")


def test_delete_a_bank(qtbot: QtBot, editor: BankEditorView, ctx: AppContext) -> None:
    _duplicate(qtbot, editor)
    answer_message_box(QMessageBox.StandardButton.Yes)
    assert editor.bank_actions.delete_bank() is True
    assert not (ctx.data_paths.banks / "mine.yaml").exists()
    assert "mine" not in ctx.banks.banks
    assert editor.draft is not None and editor.draft.bank_id == DEFAULT_BANK_ID
    assert editor.bank_combo.findData("mine") == -1


def test_saved_file_is_replaced_atomically(qtbot: QtBot, editor: BankEditorView, ctx: AppContext) -> None:
    _duplicate(qtbot, editor)
    folder = ctx.data_paths.banks
    text = _select_question(editor, 0)
    _type(qtbot, editor, text, " Again.")
    assert editor.save() is True
    assert sorted(p.name for p in folder.iterdir()) == ["mine.yaml"]  # no temporary file left behind
    assert isinstance(load_bank(folder / "mine.yaml", ctx.banks.get(DEFAULT_BANK_ID).bank.competencies).id, str)


def test_skills_and_kinds_by_name_and_weights_bounded(qtbot: QtBot, editor: BankEditorView, ctx: AppContext) -> None:
    _duplicate(qtbot, editor)
    _select_question(editor, 0)
    form = editor.current_form()
    skill = form.editor("competency")
    kind = form.editor("kind")
    assert skill.combo.currentText() == "Technical aptitude"  # type: ignore[attr-defined]
    assert skill.value() == "technical-aptitude"
    assert editor.draft is not None
    assert kind.combo.currentText() == CHOICE_NAMES[editor.draft.get(("questions", 0, "kind"))]  # type: ignore[attr-defined]
    names = [kind.combo.itemText(i) for i in range(kind.combo.count())]  # type: ignore[attr-defined]
    assert names == ["Behavioural", "Program sense", "Technical", "Strategy", "Situational"]
    with qtbot.waitSignal(editor.validated, timeout=5000):
        skill.combo.setCurrentIndex(skill.combo.findText("Communication"))  # type: ignore[attr-defined]
    assert editor.draft is not None and editor.draft.get(("questions", 0, "competency")) == "communication"

    editor.outline.select_path(("competencies", 0, "rubric", "criteria", 0))
    weight = editor.current_form().editor("weight")
    weight.spin.setValue(0)  # type: ignore[attr-defined]
    assert weight.spin.value() > 0  # type: ignore[attr-defined]  # a weight of 0 cannot be entered
