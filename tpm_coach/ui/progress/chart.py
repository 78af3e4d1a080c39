"""The progress chart: one line per skill, scores on the common 1-5 scale against time (QtCharts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.progress import COMMON_MAX, COMMON_MIN, SessionSkillAverage, SkillSeries

_DAY_MS = 86_400_000


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


class ProgressChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))  # blends into the card around it
        chart.setMargins(QMargins(6, 6, 6, 6))
        self.setChart(chart)
        self.series: dict[str, QLineSeries] = {}  # competency id -> series, for tests and tooltips

    def show_answers(self, series: Sequence[SkillSeries]) -> None:
        """A point per scored answer."""
        self._plot([(s.competency_id, s.name, [(_ms(p.at), p.score) for p in s.points]) for s in series])

    def show_session_averages(self, averages: Sequence[SessionSkillAverage]) -> None:
        """A point per session and skill: the session's mean for that skill."""
        grouped: dict[str, list[tuple[float, float]]] = defaultdict(list)
        names: dict[str, str] = {}
        for avg in averages:
            grouped[avg.competency_id].append((_ms(avg.at), avg.mean))
            names[avg.competency_id] = avg.name
        lines = [(cid, names[cid], points) for cid, points in grouped.items()]
        self._plot(sorted(lines, key=lambda line: line[1].lower()))

    def _plot(self, lines: Sequence[tuple[str, str, list[tuple[float, float]]]]) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.series = {}
        if not any(points for _, _, points in lines):
            chart.setTitle("No scored answers in this period yet")
            return
        chart.setTitle("")
        x_axis = QDateTimeAxis()
        y_axis = QValueAxis()
        y_axis.setRange(COMMON_MIN, COMMON_MAX)
        y_axis.setTickCount(5)
        y_axis.setLabelFormat("%.0f")
        y_axis.setTitleText("Score (1-5)")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        first = min(x for _, _, points in lines for x, _ in points)
        last = max(x for _, _, points in lines for x, _ in points)
        if last - first < _DAY_MS:  # one day of data: give the axis some room either side
            first, last = first - _DAY_MS / 2, last + _DAY_MS / 2
        x_axis.setRange(QDateTime.fromMSecsSinceEpoch(int(first)), QDateTime.fromMSecsSinceEpoch(int(last)))
        x_axis.setFormat("MMM d" if last - first < 300 * _DAY_MS else "MMM yyyy")
        x_axis.setTickCount(6)
        for competency_id, name, points in lines:
            if not points:
                continue
            line = QLineSeries()
            line.setName(escape_html(name))  # Qt Charts lays legend names out as HTML
            line.setPointsVisible(len(points) <= 200)  # markers only while they stay readable
            for x, y in points:
                line.append(x, y)
            chart.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
            self.series[competency_id] = line
