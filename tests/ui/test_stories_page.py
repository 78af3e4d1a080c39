"""The story bank in the window: stories suggested while thinking, the story an answer told on its feedback,
"Save as story" from an answer, and the new story in the Stories page's heatmap. Offline scorer, real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support import REPO_ROOT
from tests.support.openai_server import OpenAIStubServer, json_reply
from tests.ui.conftest import use_stub_llm
from tests.ui.practice_support import start_one_question
from tpm_coach.domain import QuestionKind
from tpm_coach.stories import StoryStore, stories_path
from tpm_coach.ui.main_window import MainWindow
from tpm_coach.ui.stories.view import StoriesView

DATA = REPO_ROOT / "tests" / "data" / "stories"


def _answer(story: str | None) -> str:
    answers = yaml.safe_load((DATA / "answers.yaml").read_text())["answers"]
    return str(next(a["text"] for a in answers if a["story"] == story))


def _type_answer(qtbot: QtBot, window: MainWindow, text: str) -> None:
    page = window.practice.question
    qtbot.mouseClick(page.type_instead, Qt.MouseButton.LeftButton)
    page.typed.setPlainText(text)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=20_000)


def _stories_page(qtbot: QtBot, window: MainWindow) -> StoriesView:
    window.navigate("stories")
    view = window.view("stories")
    assert isinstance(view, StoriesView)
    qtbot.waitUntil(lambda: view.coverage is not None and view.form is not None, timeout=10_000)
    return view


def test_suggestions_while_thinking_and_the_told_story_on_feedback(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    target = stories_path(window.context.data_paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "stories.yaml", target)
    start_one_question(qtbot, window, QuestionKind.BEHAVIORAL)
    suggestions = window.practice.question.stories
    assert suggestions.isVisible()
    assert suggestions.text().startswith("Stories that fit: “") and suggestions.text().count("“") == 2
    _type_answer(qtbot, window, _answer("outage-comms"))
    bar = window.practice.feedback.view.story_bar
    assert bar.isVisible()
    qtbot.waitUntil(lambda: bar.told.text() != "", timeout=10_000)
    assert bar.told.text().startswith("Story told: “Five-hour outage for enterprise customers”")


def test_an_answer_saved_as_a_story_appears_in_the_heatmap(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    view = _stories_page(qtbot, window)
    assert view.coverage is not None and view.coverage.stories == ()
    assert "No story shows" in view.gaps.text()

    window.navigate("practice")
    start_one_question(qtbot, window, QuestionKind.BEHAVIORAL)
    _type_answer(qtbot, window, _answer("gdpr-deadline"))
    record = window.practice.controller.record if window.practice.controller else None
    assert record is not None
    bar = window.practice.feedback.view.story_bar
    qtbot.waitUntil(lambda: bar.told.text() != "", timeout=10_000)
    assert bar.told.text().startswith("A new story")
    dialog = bar.draft_dialog()
    form = dialog.form
    # The STAR parts are drafted from the transcript and the question's skill is ticked.
    assert form.parts["situation"].toPlainText().startswith("The regulation one.")
    assert form.parts["action"].toPlainText().startswith("I mapped every data store")
    assert form.parts["result"].toPlainText() == "We passed the audit three days early with no fines."
    assert form.skill_boxes[record.question.competency].isChecked()
    form.id_edit.setText("privacy-deadline")
    form.title_edit.setText("Privacy deadline")
    for part in ("situation", "task", "action", "result"):
        if not form.parts[part].toPlainText().strip():
            form.parts[part].setPlainText(f"The {part}, written by hand.")
    dialog._check()
    assert dialog.story is not None
    with qtbot.waitSignal(bar.link_shown, timeout=10_000):
        bar.save_story(dialog)
    dialog.deleteLater()
    assert bar.told.text().startswith("Story told: “Privacy deadline” (chosen by you)")
    saved = StoryStore(stories_path(window.context.data_paths)).get("privacy-deadline")
    assert saved.skills == [record.question.competency]

    view = _stories_page(qtbot, window)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
    assert view.coverage is not None
    assert [s.id for s in view.coverage.stories] == ["privacy-deadline"]
    column = 0
    row = [skill for skill, _ in view.coverage.skills].index(record.question.competency)
    assert view.heatmap.horizontalHeaderItem(column).text() == "Privacy deadline"
    assert view.heatmap.cell_text(row, column).startswith("● 1×")
    others = [view.heatmap.cell_text(r, column) for r in range(view.heatmap.rowCount()) if r != row]
    assert others == [""] * (len(view.coverage.skills) - 1)


def test_the_page_creates_edits_and_deletes_a_story(qtbot: QtBot, main_window: MainWindow, tmp_path: Path) -> None:
    view = _stories_page(qtbot, main_window)
    form = view.form
    assert form is not None
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    form.id_edit.setText("launch")
    form.title_edit.setText("The launch")
    for part, edit in form.parts.items():
        edit.setPlainText(f"The {part} of the launch.")
    form.skill_boxes["leadership"].setChecked(True)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.list.count() == 1
    form.title_edit.setText("The launch, renamed")
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.list.item(0).text() == "The launch, renamed"
    exported = tmp_path / "mine.yaml"
    view.export_file(exported)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.list.count() == 0
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.import_file(exported)
    assert view.list.count() == 1
    form.title_edit.clear()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)  # refused: nothing saved is lost
    assert StoryStore(stories_path(main_window.context.data_paths)).get("launch").title == "The launch, renamed"


def test_with_an_llm_the_judge_drafts_the_story(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    start_one_question(qtbot, window, QuestionKind.BEHAVIORAL)
    _type_answer(qtbot, window, _answer("cost-cut"))  # scored offline; the LLM is configured afterwards
    use_stub_llm(window.context, stub_llm)
    parts = {"situation": "Cloud spend grew.", "task": "I ran the program.", "action": "I tagged it all."}
    stub_llm.script(json_reply({"title": "Cutting cloud spend", **parts, "result": "Spend fell 28%."}))
    bar = window.practice.feedback.view.story_bar
    bar.edit_drafts = False  # the dialog is modal; its contents are checked through draft_dialog
    with qtbot.waitSignal(bar.draft_ready, timeout=15_000) as drafted:
        qtbot.mouseClick(bar.save, Qt.MouseButton.LeftButton)
    draft = drafted.args[0] if drafted.args else None
    assert draft is not None and draft.title == "Cutting cloud spend"
    assert "cloud bill had gone up sixty percent" in stub_llm.requests[0].text()
    dialog = bar.draft_dialog(draft)
    assert dialog.form.parts["result"].toPlainText() == "Spend fell 28%."
    dialog.deleteLater()
    assert bar.save.isEnabled()


def test_progress_per_story_and_the_coverage_drill(qtbot: QtBot, main_window: MainWindow) -> None:
    window = main_window
    target = stories_path(window.context.data_paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load((DATA / "stories.yaml").read_text())
    data["stories"] = [s for s in data["stories"] if s["id"] in ("outage-comms", "cost-cut")]
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    start_one_question(qtbot, window, QuestionKind.BEHAVIORAL)
    _type_answer(qtbot, window, _answer("outage-comms"))

    view = _stories_page(qtbot, window)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
    view.list.setCurrentRow(0)
    assert view.form is not None and view.form.editing == "outage-comms"
    assert view.told.text().startswith("Told once: ") and view.told.text().endswith("%")
    assert view.list.item(1).toolTip() == "Not told in practice yet."

    assert view.coverage is not None
    # Outage and cost stories show leadership, communication, business goals and technical aptitude: planning and
    # risk have no story, so the drill asks about them first.
    with qtbot.waitSignal(view.drill_requested) as requested:
        qtbot.mouseClick(view.drill_button, Qt.MouseButton.LeftButton)
    skills = requested.args[0] if requested.args else []
    assert skills[:2] == ["planning-strategy", "risk-management"]
    setup = window.practice.setup
    assert window.stack.currentWidget() is window.practice
    ticked = [
        setup.skills.item(r).data(Qt.ItemDataRole.UserRole)
        for r in range(setup.skills.count())
        if setup.skills.item(r).checkState() == Qt.CheckState.Checked
    ]
    assert sorted(ticked) == sorted(skills)
    assert [k for k, box in setup.kinds.items() if box.isChecked()] == [QuestionKind.BEHAVIORAL]


def test_the_progress_page_shows_story_coverage(qtbot: QtBot, main_window: MainWindow) -> None:
    from tpm_coach.ui.progress.view import ProgressView

    target = stories_path(main_window.context.data_paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "stories.yaml", target)
    main_window.navigate("progress")
    view = main_window.view("progress")
    assert isinstance(view, ProgressView)
    qtbot.waitUntil(lambda: view.stories.heatmap.columnCount() == 8, timeout=10_000)
    assert view.stories.heatmap.rowCount() == 6
    assert "never told in practice" in view.stories.gaps.text()


def test_the_story_drill_scores_a_telling(qtbot: QtBot, main_window: MainWindow) -> None:
    target = stories_path(main_window.context.data_paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "stories.yaml", target)
    view = _stories_page(qtbot, main_window)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
    assert view.story_drill() is None  # nothing selected yet
    view.list.setCurrentRow(7)
    dialog = view.story_drill()
    assert dialog is not None and dialog.story.id == "cost-cut"
    assert dialog.score() is None and dialog.outcome.text() == "Tell the story first."
    dialog.text.setPlainText(
        "At my last company our cloud bill kept growing. My task was to bring it down. First I tagged every "
        "resource by team and I set a weekly report. As a result we cut spend by 28 percent."
    )
    result = dialog.score(duration_s=80)
    assert result is not None and result.score == 5
    assert dialog.outcome.text().startswith("5/5 in 1:20")
    assert not dialog.timer.isActive()
    dialog.text.setPlainText("We did a lot of things together and it went well.")
    weak = dialog.score(duration_s=150)
    assert weak is not None and weak.score < 3
    assert "Tell it within 2 minutes." in dialog.outcome.text()
    dialog.deleteLater()
