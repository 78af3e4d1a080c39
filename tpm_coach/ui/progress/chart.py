"""The progress chart: one line per skill, scores on the common 1-5 scale against time (QtCharts).

Data from a single day is drawn in order of time (labelled with the time of day) rather than on a calendar
axis, where it would be a vertical line under the same date repeated. The legend is the view's, so long skill
names wrap instead of being cut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCharts import QAbstractAxis, QCategoryAxis, QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
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
        chart.legend().setVisible(False)  # see `legend`: Qt's legend elides long names
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))  # blends into the card around it
        chart.setMargins(QMargins(6, 6, 6, 6))
        self.setChart(chart)
        self.series: dict[str, QLineSeries] = {}  # competency id -> series, for tests and tooltips
        self.legend: list[tuple[str, str]] = []  # (skill name, line colour) per line drawn
        self.single_day = False  # the last plot put one day's data in order of time

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
        first = min(x for _, _, points in lines for x, _ in points)
        last = max(x for _, _, points in lines for x, _ in points)
        self.single_day = _same_day(first, last)
        x_axis, place = _time_in_order(lines) if self.single_day else _calendar(first, last)
        y_axis = QValueAxis()
        y_axis.setRange(COMMON_MIN, COMMON_MAX)
        y_axis.setTickCount(5)
        y_axis.setLabelFormat("%.0f")
        y_axis.setTitleText("Score (1-5)")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        self.legend = []
        for competency_id, name, points in lines:
            if not points:
                continue
            line = QLineSeries()
            line.setName(escape_html(name))  # Qt Charts lays names out as HTML
            line.setPointsVisible(len(points) <= 200)  # markers only while they stay readable
            for x, y in points:
                line.append(place(x), y)
            chart.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
            self.series[competency_id] = line
            self.legend.append((name, line.color().name()))


def _local(ms: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(ms))


def _same_day(first: float, last: float) -> bool:
    return _local(first).date() == _local(last).date()


def _calendar(first: float, last: float) -> tuple[QAbstractAxis, Callable[[float], float]]:
    axis = QDateTimeAxis()
    axis.setRange(_local(first), _local(last))
    span_days = (last - first) / _DAY_MS
    axis.setFormat("MMM d" if span_days < 300 else "MMM yyyy")
    # One tick per day at most, so a short span does not repeat its dates.
    axis.setTickCount(max(2, min(6, int(span_days) + 1)))
    return axis, lambda x: x


def _time_in_order(
    lines: Sequence[tuple[str, str, list[tuple[float, float]]]],
) -> tuple[QAbstractAxis, Callable[[float], float]]:
    """Each distinct moment gets its own step along the axis, labelled with its time of day."""
    moments = sorted({x for _, _, points in lines for x, _ in points})
    step = {x: float(i + 1) for i, x in enumerate(moments)}
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(0.5, len(moments) + 0.5)
    used: set[str] = set()
    for x in moments:
        text = _local(x).toString("HH:mm")
        while text in used:  # the axis needs distinct labels: two answers in one minute
            text += "\u200b"
        used.add(text)
        axis.append(text, step[x])
    axis.setTitleText(_local(moments[0]).toString("d MMM yyyy") + ", in order of time")
    return axis, lambda x: step[x]
