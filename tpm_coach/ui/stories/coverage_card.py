"""The coverage view the Progress page shows: the skills x stories heatmap and its gaps, read in the background."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from tpm_coach.stories.coverage import Coverage
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.stories.heatmap import CoverageHeatmap
from tpm_coach.ui.stories.view import Progress, read_coverage
from tpm_coach.ui.style import label


class CoverageCard(QFrame):
    refreshed = Signal()

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")  # styled as the other cards (style.card)
        self.context = deps.context
        self.loads = LatestOnly(deps.workers)
        self.heatmap = CoverageHeatmap(self)
        self.gaps = label("", "Muted", self, wrap=True)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 12, 12, 12)
        box.setSpacing(6)
        box.addWidget(label("Story coverage: skills × stories", "SectionTitle", self))
        box.addWidget(self.heatmap, 1)
        box.addWidget(self.gaps)
        _ = self.context.database  # migrated by the window's connection before a worker opens its own

    def refresh(self) -> None:
        self.loads.start(read_coverage, self.context, done=self._loaded, failed=self._failed)

    def shutdown(self) -> None:
        self.loads.forget()

    def _loaded(self, result: tuple[Coverage, Progress]) -> None:
        coverage, _progress = result
        self.heatmap.show_coverage(coverage)
        if not coverage.stories:
            self.gaps.setText("No stories yet: add them on the Stories page.")
        else:
            self.gaps.setText("\n".join(coverage.gaps()) or "No gaps.")
        self.refreshed.emit()

    def _failed(self, exc: Exception) -> None:
        self.gaps.setText(f"Your stories could not be read: {exc}")
        self.refreshed.emit()
