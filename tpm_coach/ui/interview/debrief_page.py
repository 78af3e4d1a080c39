"""The debrief: the verdict, a hiring signal per skill with the candidate's own words, the moments that moved the
decision, and what to practise next."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.interview.debrief import Debrief
from tpm_coach.reports.html import esc, page
from tpm_coach.ui.style import button, label
from tpm_coach.ui.widgets.safe_text import SafeTextBrowser


def _words(signal: str) -> str:
    return signal.replace("_", " ")


def debrief_html(debrief: Debrief) -> str:
    verdict = _words(debrief.verdict.value) if debrief.verdict else "not assessed"
    out = [f"<h2>Verdict: {esc(verdict)}</h2>", f"<p>Against the {esc(debrief.level)} bar of {debrief.bar:.1f}/5.</p>"]
    for skill in debrief.skills:
        out.append(f"<h3>{esc(skill.name)}: {esc(_words(skill.signal.value))} ({skill.mean:.1f}/5)</h3>")
        out += [f"<blockquote>“{esc(q)}”</blockquote>" for q in skill.evidence]
    if debrief.moments:
        out.append("<h3>Moments that moved the decision</h3><ul>")
        out += [f"<li>{esc(m.effect)}: “{esc(m.quote)}”</li>" for m in debrief.moments]
        out.append("</ul>")
    if debrief.practise_next:
        out.append("<h3>Practise next</h3><ul>")
        out += [f"<li>{esc(p.name)}: {esc(p.reason)}</li>" for p in debrief.practise_next]
        out.append("</ul>")
    if debrief.not_assessed:
        out.append(f"<p>Not reached: {esc(', '.join(debrief.not_assessed))}</p>")
    return "".join(out)


class DebriefPage(QWidget):
    practise_clicked = Signal(list)  # skill ids
    new_interview_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.skills: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Debrief", "PageTitle", self))
        self.browser = SafeTextBrowser(self)
        self.browser.setObjectName("Debrief")
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        self.practise = button("Practise these skills", "primary", self)
        self.practise.clicked.connect(lambda: self.practise_clicked.emit(list(self.skills)))
        row.addWidget(self.practise)
        self.again = button("New interview", "", self)
        self.again.clicked.connect(self.new_interview_clicked)
        row.addWidget(self.again)
        row.addStretch(1)
        layout.addLayout(row)

    def show_debrief(self, debrief: Debrief) -> None:
        self.skills = [p.skill for p in debrief.practise_next]
        self.practise.setEnabled(bool(self.skills))
        self.browser.setHtml(page("Debrief", debrief_html(debrief)))
