"""Progress: per-skill scores over time as a chart, each skill's standing, and the weakest criteria."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.errors import KnownError
from tpm_coach.history import Progress, load_scored
from tpm_coach.progress import ProgressReport, attempt_time, progress_report
from tpm_coach.storage import AttemptRecord
from tpm_coach.ui.coach.agreement_card import AgreementCard
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.latest import LatestOnly
from tpm_coach.ui.progress.chart import ProgressChart
from tpm_coach.ui.progress.table import ProgressTable
from tpm_coach.ui.stories.coverage_card import CoverageCard
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.widgets.empty_state import EmptyState

PERIODS: tuple[tuple[str, int | None], ...] = (
    ("All time", None),
    ("Last 12 months", 365),
    ("Last 90 days", 90),
    ("Last 30 days", 30),
)
SESSION_AVERAGES, EVERY_ANSWER = "sessions", "answers"
NO_TREND_YET = "—"  # the caption under the table says when a trend appears
STACK_BELOW = 820  # page width (px) under which the two tables go one above the other
TREND_NOTE = "Trend: the latest session against the one before; it shows once a skill was practised in two sessions."
EMPTY_TEXT = (
    "Your scores per skill will appear here as a chart over time, with the skills to work on first and the "
    "rubric criteria that hold your scores back. Answer a few questions on the Practice page to start: each "
    "scored answer adds a point, and trends show once a skill was practised in two sessions."
)


def _compute(
    attempts: list[AttemptRecord], days: int | None, *, cancel: threading.Event, progress: Progress
) -> ProgressReport:
    if days is not None:
        since = datetime.now(UTC) - timedelta(days=days)
        attempts = [a for a in attempts if attempt_time(a) >= since]
    return progress_report(attempts)


class ProgressView(QWidget):
    refreshed = Signal()  # the chart and tables show the latest data
    practice_requested = Signal()

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.context = deps.context
        self.messages = deps.messages
        self.workers = workers = deps.workers
        self.attempts: list[AttemptRecord] = []
        self.report: ProgressReport | None = None
        self.loads = LatestOnly(workers)

        self.mode = QComboBox()
        self.mode.setObjectName("progressMode")
        self.mode.addItem("Average per session", SESSION_AVERAGES)
        self.mode.addItem("Every answer", EVERY_ANSWER)
        self.period = QComboBox()
        self.period.setObjectName("progressPeriod")
        for name, days in PERIODS:
            self.period.addItem(name, days)
        self.summary = label("", "Muted")
        self.refresh_button = button("Refresh")
        self.chart = ProgressChart()
        self.skills = ProgressTable(("Skill", "Answers", "Average", "Last 5", "Trend"), stretch=0)
        self.skills.setObjectName("progressSkills")
        self.weakest = ProgressTable(("Criterion", "Average", "Last 5", "Answers"), stretch=0)
        self.weakest.setObjectName("weakestCriteria")

        bar = QHBoxLayout()
        bar.addWidget(label("Show"))
        bar.addWidget(self.mode)
        bar.addWidget(self.period)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.refresh_button)

        self._build_cards()
        self.empty = EmptyState("Nothing to chart yet", EMPTY_TEXT, "Go to Practice")
        self.empty.go_clicked.connect(self.practice_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Progress", "PageTitle"))
        intro = "How each skill's scores move over time, and the rubric criteria to work on next."
        layout.addWidget(label(intro, "Muted"))
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.chart_card, 3)
        layout.addWidget(self.tables, 2)
        self.stories = CoverageCard(deps, self)
        layout.addWidget(self.stories, 2)
        self.agreement = AgreementCard(workers, self.context.data_paths.database, self)
        layout.addWidget(self.agreement)

        self.mode.currentIndexChanged.connect(self._show_chart)
        self.period.currentIndexChanged.connect(self._recompute)
        self.refresh_button.clicked.connect(self.refresh)

    def _build_cards(self) -> None:
        self.chart_card, chart_layout = card(spacing=4, margins=8)
        chart_layout.addWidget(self.chart)
        self.legend = label("", "", self.chart_card, wrap=True)
        self.legend.setObjectName("progressLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)  # coloured dots; every name escaped
        chart_layout.addWidget(self.legend)
        self.tables = QWidget()
        tables = self._tables_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.tables)
        tables.setContentsMargins(0, 0, 0, 0)
        for title, table in (("Skills, weakest first", self.skills), ("Weakest criteria", self.weakest)):
            box, box_layout = card(spacing=6, margins=12)
            box_layout.addWidget(label(title, "SectionTitle"))
            box_layout.addWidget(table)
            if table is self.skills:
                box_layout.addWidget(label(TREND_NOTE, "Muted", box, wrap=True))
            tables.addWidget(box)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Side by side the tables leave a narrow page too little room for a skill's name: stack them instead.
        narrow = event.size().width() < STACK_BELOW
        self._tables_layout.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)

    def refresh(self) -> None:
        """Reload every scored answer (a scan of all history, so in a worker) and recompute."""
        self.summary.setText("Loading…")
        self.stories.refresh()
        self.loads.start(load_scored, self.context.data_paths.database, done=self._loaded, failed=self._failed)

    def _loaded(self, attempts: list[AttemptRecord]) -> None:
        self.attempts = attempts
        self.agreement.refresh()  # after the load, so the two never open (and migrate) a new file at once
        self._recompute()

    def _recompute(self) -> None:
        self.loads.start(_compute, self.attempts, self.period.currentData(), done=self._computed, failed=self._failed)

    def _computed(self, report: ProgressReport) -> None:
        self.report = report
        self._show_chart()
        self.skills.set_rows(
            [
                (s.name, s.count, s.mean, s.recent_mean, _trend(report.trends.get(s.competency_id)))
                for s in report.standings
            ]
        )
        self.weakest.set_rows(
            [(f"{c.criterion_name} · {c.competency_name}", c.mean, c.recent_mean, c.count) for c in report.weakest],
            [f"{c.competency_name} · {c.criterion_name}: last scored {c.last_at:%Y-%m-%d}" for c in report.weakest],
        )
        has_data = bool(report.answer_count)
        if has_data:
            noun = "answer" if report.answer_count == 1 else "answers"
            self.summary.setText(f"{report.answer_count:,} scored {noun} · scores on a 1-5 scale")
        else:
            self.summary.setText("No scored answers yet")
        # With nothing at all (not only nothing in this period), the page says what will be here instead.
        nothing_ever = not self.attempts
        self.empty.setVisible(nothing_ever)
        self.chart_card.setVisible(not nothing_ever)
        self.tables.setVisible(not nothing_ever)
        self.refreshed.emit()

    def _show_chart(self) -> None:
        if self.report is None:
            return
        if self.mode.currentData() == EVERY_ANSWER:
            self.chart.show_answers(self.report.series)
        else:
            self.chart.show_session_averages(self.report.session_averages)
        self.legend.setText(
            "&nbsp;&nbsp;&nbsp;".join(
                f'<span style="color:{colour};">●</span>&nbsp;{escape_html(name)}' for name, colour in self.chart.legend
            )
        )

    def shutdown(self) -> None:
        self.loads.forget()
        self.stories.shutdown()
        self.agreement.shutdown()

    def confirm_close(self) -> bool:
        return True

    def _failed(self, exc: Exception) -> None:
        self.summary.setText("Progress could not be loaded.")
        text = exc if isinstance(exc, KnownError) else f"Could not load progress: {exc}"
        self.messages.error(text, "Try again", self.refresh)


def _trend(trend: float | None) -> str:
    if trend is None:
        return NO_TREND_YET
    arrow = "▲" if trend > 0.05 else "▼" if trend < -0.05 else "="
    return f"{arrow} {trend:+.1f}"
