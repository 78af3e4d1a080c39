"""The end-of-session summary: per-skill scores against history, what to work on next, speaking time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.display_text import escape_html
from tpm_coach.practice import SessionReport
from tpm_coach.ui.practice.summary_answers import SessionAnswersCard
from tpm_coach.ui.style import button, card, format_duration, label


def _change(value: float | None) -> str:
    if value is None:
        return '<span style="color:#6b7280;">first time</span>'
    if abs(value) < 0.05:
        return '<span style="color:#6b7280;">same as before</span>'
    colour = "#15803d" if value > 0 else "#b91c1c"
    return f'<span style="color:{colour};">{"▲" if value > 0 else "▼"} {abs(value):.1f}</span>'


class SummaryPage(QWidget):
    new_session_clicked = Signal()
    history_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(14)
        outer.addWidget(label("Session summary", "PageTitle", self))
        self.totals = label("", "Muted", self, wrap=True)
        outer.addWidget(self.totals)

        row = QHBoxLayout()
        row.setSpacing(12)
        skills_card, skills_layout = card(self)
        skills_layout.addWidget(label("Skills this session", "SectionTitle", skills_card))
        self.skills_grid_host = QWidget(skills_card)
        self.skills_grid = QGridLayout(self.skills_grid_host)
        self.skills_grid.setContentsMargins(0, 0, 0, 0)
        self.skills_grid.setHorizontalSpacing(18)
        self.skills_grid.setVerticalSpacing(8)
        skills_layout.addWidget(self.skills_grid_host)
        skills_layout.addStretch(1)
        row.addWidget(skills_card, 1)

        focus_card, focus_layout = card(self)
        focus_layout.addWidget(label("Work on next", "SectionTitle", focus_card))
        self.focus = label("", "", focus_card, wrap=True)
        self.focus.setTextFormat(Qt.TextFormat.RichText)
        focus_layout.addWidget(self.focus)
        focus_layout.addStretch(1)
        row.addWidget(focus_card, 1)
        outer.addLayout(row)
        self.answers = SessionAnswersCard(self)
        outer.addWidget(self.answers)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.history = button("Open History", "", self, icon_name="history")
        self.history.clicked.connect(self.history_clicked)
        actions.addWidget(self.history)
        self.again = button("Start another session", "primary", self, icon_name="practice")
        self.again.clicked.connect(self.new_session_clicked)
        actions.addWidget(self.again)
        outer.addLayout(actions)
        outer.addStretch(1)
        self.report: SessionReport | None = None

    def show_report(self, report: SessionReport) -> None:
        self.report = report
        self.answers.show_report(report)
        answers = "answer" if report.answered == 1 else "answers"
        text = f"{report.answered} {answers}, {report.scored} scored"
        if report.speaking_time_s > 0:  # typed answers have no speaking time; "0:00" would read as silence
            text += f" · speaking time {format_duration(report.speaking_time_s)}"
        if report.unscored:
            text += f" · {report.unscored} not scored (open them from History to retry)"
        self.totals.setText(text)

        while self.skills_grid.count():
            item = self.skills_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for col, heading in enumerate(("Skill", "This session", "Before", "Change")):
            self.skills_grid.addWidget(label(heading, "Caption", self.skills_grid_host), 0, col)
        if not report.skills:
            self.skills_grid.addWidget(label("No scored answers this session.", "Muted", self.skills_grid_host), 1, 0)
        for r, skill in enumerate(report.skills, start=1):
            self.skills_grid.addWidget(label(skill.name, "", self.skills_grid_host), r, 0)
            self.skills_grid.addWidget(
                label(f"{skill.session_mean:.1f} / 5", "ScoreSmall", self.skills_grid_host), r, 1
            )
            before = "—" if skill.history_mean is None else f"{skill.history_mean:.1f} ({skill.history_count})"
            self.skills_grid.addWidget(label(before, "Muted", self.skills_grid_host), r, 2)
            change = label(_change(skill.change), "", self.skills_grid_host)
            change.setTextFormat(Qt.TextFormat.RichText)
            self.skills_grid.addWidget(change, r, 3)

        if not report.focus:
            self.focus.setText('<span style="color:#6b7280;">Nothing stands out: keep practising new questions.</span>')
            return
        items = "".join(
            f"<li style='margin-bottom:8px;'><b>{escape_html(f.criterion_name)}</b> "
            f"<span style='color:#6b7280;'>({escape_html(f.competency_name)}, {f.score:.1f}/{f.scale_max})</span>"
            f"<br><span style='color:#374151;'>Aim for: {escape_html(f.next_level)}</span></li>"
            for f in report.focus
        )
        self.focus.setText(f"<ol style='margin-left:-18px;'>{items}</ol>")
