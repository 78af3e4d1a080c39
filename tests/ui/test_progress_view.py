"""The progress view over scored answers stored through the real repositories."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCharts import QCategoryAxis
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.context import AppContext
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.progress.view import EVERY_ANSWER, NO_TREND_YET, ProgressView
from tpm_coach.ui.workers import WorkerPool

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = AppContext()
    yield context
    context.close()


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext) -> Iterator[ProgressView]:
    workers = WorkerPool()
    widget = ProgressView(ViewDeps.build(ctx, MessageSink(), workers))
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    yield widget
    assert workers.shutdown(5000)


def _days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")


def _refresh(qtbot: QtBot, view: ProgressView) -> None:
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()


def _points(view: ProgressView, competency_id: str) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for p in view.chart.series[competency_id].points()]


def test_a_series_per_skill_from_real_sessions(qtbot: QtBot, ctx: AppContext, view: ProgressView) -> None:
    add_session(ctx, SessionSpec([Answer("tech-001", 1), Answer("tech-002", 3)], started_at=_days_ago(200)))
    add_session(ctx, SessionSpec([Answer("tech-003", 4), Answer("comm-001", 5)], started_at=_days_ago(20)))
    add_session(ctx, SessionSpec([Answer("lead-001", None)], started_at=_days_ago(10)))  # unscored: no point
    _refresh(qtbot, view)

    assert set(view.chart.series) == {"technical-aptitude", "communication"}
    assert view.chart.series["technical-aptitude"].name() == "Technical aptitude"
    # Session averages: the first session's two technical answers make one point at 2.0.
    assert [y for _, y in _points(view, "technical-aptitude")] == [2.0, 4.0]
    assert view.summary.text().startswith("4 scored answers")

    view.mode.setCurrentIndex(view.mode.findData(EVERY_ANSWER))  # redrawn from the loaded data at once
    assert [y for _, y in _points(view, "technical-aptitude")] == [1.0, 3.0, 4.0]

    # Skills table: weakest recent mean first.
    assert view.skills.cell_text(0, 0) == "Technical aptitude"
    assert view.skills.cell_text(0, 1) == "3"
    assert view.skills.cell_text(1, 0) == "Communication"
    # Weakest criteria: every criterion of the technical answers averages 2.7; communication's are 5.
    assert view.weakest.rowCount() == 8
    assert view.weakest.cell_text(0, 0).endswith(" · Technical aptitude")
    assert view.weakest.cell_text(0, 1) == "2.7"


def test_period_limits_the_chart_and_tables(qtbot: QtBot, ctx: AppContext, view: ProgressView) -> None:
    add_session(ctx, SessionSpec([Answer("tech-001", 1)], started_at=_days_ago(200)))
    add_session(ctx, SessionSpec([Answer("comm-001", 5)], started_at=_days_ago(5)))
    _refresh(qtbot, view)
    assert set(view.chart.series) == {"technical-aptitude", "communication"}

    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.period.setCurrentIndex(view.period.findData(30))
    assert set(view.chart.series) == {"communication"}
    assert view.skills.rowCount() == 1
    assert view.summary.text().startswith("1 scored answer ·")


def test_no_scored_answers_yet(qtbot: QtBot, view: ProgressView) -> None:
    _refresh(qtbot, view)
    assert view.chart.series == {}
    assert view.summary.text() == "No scored answers yet"
    assert view.weakest.rowCount() == 0
    # The page says what will appear and how to start, in full: the hint wraps instead of being cut.
    assert view.empty.isVisible() and not view.chart_card.isVisible()
    hint = view.empty.text
    assert "chart over time" in hint.text() and "Practice page" in hint.text()
    assert hint.wordWrap() and hint.width() <= view.width()
    with qtbot.waitSignal(view.practice_requested):
        view.empty.go.click()


def test_one_day_is_drawn_in_order_of_time_and_trends_wait_for_a_second_session(
    qtbot: QtBot, ctx: AppContext, view: ProgressView
) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    at = [(today + timedelta(minutes=m)).isoformat(timespec="milliseconds") for m in (0, 20, 40)]
    add_session(ctx, SessionSpec([Answer("tech-001", 2, created_at=at[0])], started_at=at[0]))
    add_session(ctx, SessionSpec([Answer("tech-002", 4, created_at=at[1])], started_at=at[1]))
    _refresh(qtbot, view)
    assert view.chart.single_day
    axis = view.chart.chart().axes(Qt.Orientation.Horizontal)[0]
    assert isinstance(axis, QCategoryAxis)
    labels = axis.categoriesLabels()
    assert len(labels) == len(set(labels)) == 2  # one label per moment, no date repeated
    # The two sessions sit a step apart, not on one vertical line.
    xs = [x for x, _ in _points(view, "technical-aptitude")]
    assert xs == [1.0, 2.0]
    # A trend after two sessions of the skill: 4 against 2.
    assert view.skills.cell_text(0, 4) == "▲ +2.0"

    # A skill practised in one session only waits for its second.
    add_session(ctx, SessionSpec([Answer("comm-001", 3, created_at=at[2])], started_at=at[2]))
    _refresh(qtbot, view)
    row = next(r for r in range(view.skills.rowCount()) if view.skills.cell_text(r, 0) == "Communication")
    assert view.skills.cell_text(row, 4) == NO_TREND_YET
    # The legend names every skill in full.
    assert "Communication" in view.legend.text() and "Technical aptitude" in view.legend.text()


def test_long_skill_names_are_not_cut(qtbot: QtBot, ctx: AppContext, view: ProgressView) -> None:
    add_session(ctx, SessionSpec([Answer("plan-001", 3), Answer("risk-001", 4)], started_at=_days_ago(3)))
    _refresh(qtbot, view)
    table = view.skills
    metrics = table.fontMetrics()

    def cut_names() -> list[str]:
        """Names whose wrapped lines need more height than their row has, or a word wider than the column."""
        cut = []
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            assert item is not None
            width = table.columnWidth(0) - 8  # the item's text margins, with a pixel to spare each side
            longest_word = max(metrics.horizontalAdvance(w) for w in item.text().split())
            lines = metrics.boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), item.text())
            if longest_word > width or lines.height() > table.rowHeight(row) + metrics.height() // 2:
                cut.append(item.text())
        return cut

    # The page's width in a window of the default size, then a narrow one where the names must wrap. The rows
    # grow as the layout settles after a resize, so the check waits for it (and fails if they never do).
    for width in (900, 624):  # 624: the page in a window of the smallest size
        view.resize(width, 760)
        expected = max(width, view.minimumSizeHint().width())
        qtbot.waitUntil(lambda: view.width() == expected and not cut_names(), timeout=3000)  # noqa: B023
