"""The Stories page: create, edit, delete, import and export the candidate's stories, and see their coverage."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.context import AppContext
from tpm_coach.errors import KnownError, StoryError
from tpm_coach.storage import Database
from tpm_coach.storage.stories import StoryLinkRepository
from tpm_coach.stories import Story, StoryStore, encode_stories, load_stories, stories_path
from tpm_coach.stories.coverage import Coverage, load_coverage
from tpm_coach.stories.drill import story_progress, weakest_skills
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.stories.drill_dialog import StoryDrillDialog
from tpm_coach.ui.stories.form import StoryForm
from tpm_coach.ui.stories.heatmap import CoverageHeatmap
from tpm_coach.ui.style import button, card, label


def story_store(context: AppContext, skills: list[tuple[str, str]] | None = None) -> StoryStore:
    known = [s for s, _ in skills] if skills is not None else [c.id for c in context.banks.competencies()]
    return StoryStore(stories_path(context.data_paths), known)


def skills_of(context: AppContext) -> list[tuple[str, str]]:
    return [(c.id, c.name) for c in context.banks.competencies()]


Progress = dict[str, list[tuple[str, float | None]]]


def read_coverage(
    context: AppContext, *, cancel: threading.Event, progress: Callable[..., Any]
) -> tuple[Coverage, Progress]:
    skills = skills_of(context)  # waits for the banks when they are still being read
    coverage = load_coverage(context.data_paths.database, story_store(context, skills).load, skills)
    with Database.open(context.data_paths.database) as db:
        return coverage, story_progress(StoryLinkRepository(db).uses())


def progress_text(series: list[tuple[str, float | None]]) -> str:
    """'Told 3 times: 60% → 80% → 75%', the scores oldest first."""
    if not series:
        return "Not told in practice yet."
    scores = " → ".join(f"{v:.0%}" for _, v in series[-8:] if v is not None)
    times = "once" if len(series) == 1 else f"{len(series)} times"
    return f"Told {times}" + (f": {scores}" if scores else "")


class StoriesView(QWidget):
    refreshed = Signal()  # the list and heatmap show the saved stories
    drill_requested = Signal(list)  # skill ids, weakest first: practise questions on them

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = deps.messages
        self.loads = LatestOnly(deps.workers)
        self.coverage: Coverage | None = None
        self.progress: Progress = {}
        self.form: StoryForm | None = None
        self.told = label("", "Muted", wrap=True)  # the selected story's scores over time
        self.told.setObjectName("storyProgress")

        self.list = QListWidget(self)
        self.list.setObjectName("storyList")
        self.list.setAccessibleName("Your stories")
        self.list.currentItemChanged.connect(self._selected)
        self.new_button = button("New story")
        self.save_button = button("Save", "primary")
        self.delete_button = button("Delete")
        self.import_button = button("Import…")
        self.export_button = button("Export…")
        self.drill_button = button("Coverage drill")
        self.story_drill_button = button("Drill this story")
        self.story_drill_button.setToolTip("Tell the selected story in two minutes and see what it lacks")
        self.drill_button.setToolTip("Practise behavioural questions on the three skills whose stories are weakest")
        self.summary = label("", "Muted", wrap=True)
        self.gaps = label("", "Muted", wrap=True)
        self.gaps.setObjectName("storyGaps")
        self.heatmap = CoverageHeatmap(self)

        self._lay_out()
        for clicked, slot in (
            (self.new_button.clicked, self.new_story),
            (self.save_button.clicked, self.save_story),
            (self.delete_button.clicked, self.delete_story),
            (self.import_button.clicked, self._choose_import),
            (self.export_button.clicked, self._choose_export),
            (self.drill_button.clicked, self._drill),
            (self.story_drill_button.clicked, self.open_story_drill),
        ):
            clicked.connect(slot)
        # The window's own connection migrates a new database; a worker opening it at the same moment would race
        # that migration, so the worker reads only once it is done. The window calls refresh() once built.
        _ = self.context.database

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.new_button, self.save_button, self.delete_button, self.import_button, self.export_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.story_drill_button)
        bar.addWidget(self.drill_button)
        self.editor_card, self.editor_layout = card(spacing=6, margins=12)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addWidget(self.editor_card, 2)
        heat_card, heat_layout = card(spacing=6, margins=12)
        heat_layout.addWidget(label("Coverage: skills × stories", "SectionTitle"))
        heat_layout.addWidget(self.heatmap, 1)
        heat_layout.addWidget(self.gaps)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Stories", "PageTitle"))
        intro = "Six to eight STAR stories that between them show every skill. ● shows the skill; the colour is how"
        layout.addWidget(label(intro + " well the story scored when you told it.", "Muted", wrap=True))
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addLayout(top, 3)
        layout.addWidget(heat_card, 2)

    # -- Page ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.summary.setText("Loading…")
        self.loads.start(read_coverage, self.context, done=self._loaded, failed=self._failed)

    def shutdown(self) -> None:
        self.loads.forget()

    def confirm_close(self) -> bool:
        return True

    # -- showing -------------------------------------------------------------------------------------
    def _loaded(self, result: tuple[Coverage, Progress]) -> None:
        coverage, self.progress = result
        self.coverage = coverage
        if self.form is None:
            self.form = StoryForm(coverage.skills, self.editor_card)
            self.editor_layout.addWidget(self.form)
            self.editor_layout.addWidget(self.told)
        current = self.form.editing
        self.list.blockSignals(True)
        self.list.clear()
        for story in coverage.stories:
            item = QListWidgetItem(story.title, self.list)
            item.setData(256, story.id)
            item.setToolTip(progress_text(self.progress.get(story.id, [])))
            if story.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.heatmap.show_coverage(coverage)
        count = len(coverage.stories)
        self.summary.setText(
            f"{count} {'story' if count == 1 else 'stories'}" if count else "No stories yet: add one, or import a file."
        )
        self.gaps.setText("\n".join(coverage.gaps()) or "No gaps: every skill has a story and every story is used.")
        self.refreshed.emit()

    def _failed(self, exc: Exception) -> None:
        self.summary.setText("Your stories could not be loaded.")
        self.messages.error(exc if isinstance(exc, KnownError) else f"Could not load stories: {exc}")

    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None or self.coverage is None or self.form is None:
            return
        story_id = item.data(256)
        self.form.show_story(next((s for s in self.coverage.stories if s.id == story_id), None))
        self.told.setText(progress_text(self.progress.get(story_id, [])))

    # -- changes (a small file, written atomically on this thread like a short database write) -------
    def _store(self) -> StoryStore:
        skills = self.coverage.skills if self.coverage is not None else None
        return story_store(self.context, list(skills) if skills is not None else None)

    def new_story(self) -> None:
        if self.form is not None:
            self.list.clearSelection()
            self.form.show_story(None)

    def save_story(self) -> None:
        if self.form is None:
            return
        try:
            story = self.form.story()
            self._store().put(story, replacing=self.form.editing)
        except KnownError as exc:
            self.messages.error(exc)
            return
        self.form.editing = story.id
        self.messages.info(f"Saved the story “{story.title}”.")
        self.refresh()

    def delete_story(self) -> None:
        if self.form is None or self.form.editing is None:
            return
        try:
            self._store().delete(self.form.editing)
        except KnownError as exc:
            self.messages.error(exc)
            return
        self.form.show_story(None)
        self.refresh()

    def import_file(self, path: Path, *, replace: bool = False) -> None:
        try:
            store = self._store()
            outcome = store.import_stories(load_stories(path, store.known_skills), replace=replace)
        except KnownError as exc:
            self.messages.error(exc)
            return
        kept = f"; kept {len(outcome.kept)} of yours with the same id" if outcome.kept else ""
        self.messages.info(f"Imported {len(outcome.added) + len(outcome.replaced)} stories{kept}.")
        self.refresh()

    def export_file(self, path: Path) -> None:
        stories: list[Story] = list(self.coverage.stories) if self.coverage else []
        try:
            atomic_write_bytes(path, encode_stories(stories, "json" if path.suffix == ".json" else "yaml"))
        except (KnownError, StoryError) as exc:
            self.messages.error(exc)
            return
        self.messages.info(f"Exported {len(stories)} stories to {path}.")

    def story_drill(self) -> StoryDrillDialog | None:
        """The drill for the story being edited, or None when none is selected."""
        if self.form is None or self.form.editing is None or self.coverage is None:
            return None
        story = next((s for s in self.coverage.stories if s.id == self.form.editing), None)
        return StoryDrillDialog(story, self) if story is not None else None

    def open_story_drill(self) -> None:
        dialog = self.story_drill()
        if dialog is None:
            self.messages.info("Select a story to drill.")
            return
        dialog.exec()
        dialog.deleteLater()

    def _drill(self) -> None:
        if self.coverage is not None:
            self.drill_requested.emit(weakest_skills(self.coverage)[:3])

    def _choose_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import stories", "", "Story files (*.yaml *.yml)")
        if name:
            self.import_file(Path(name))

    def _choose_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export stories", "stories.yaml", "YAML (*.yaml);;JSON (*.json)")
        if name:
            self.export_file(Path(name))
