"""A session report as a self-contained HTML page: every text escaped, no scripts, no remote resources.

The same markup feeds the app's read-only answer view and the PDF export (Qt's rich-text subset of HTML/CSS).
"""

from __future__ import annotations

import re

from tpm_coach.display_text import escape_html
from tpm_coach.reports.content import AnswerContent, SessionReport

# A browser opening an exported report may load nothing at all: no scripts, images, fonts or frames.
_CSP = "default-src 'none'; style-src 'unsafe-inline'"

STYLE = """
body { font-family: sans-serif; font-size: 10pt; color: #1d2430; }
h1 { font-size: 17pt; margin-bottom: 4px; }
h2 { font-size: 13pt; margin-top: 18px; margin-bottom: 4px; }
h3 { font-size: 11pt; margin-top: 10px; margin-bottom: 2px; }
table.criteria { border-collapse: collapse; margin-top: 6px; }
table.criteria th, table.criteria td { border: 1px solid #c9ced6; padding: 4px; vertical-align: top; }
table.criteria th { background-color: #eef1f5; text-align: left; }
td.num { text-align: right; white-space: nowrap; }
p.facts { color: #4a5568; }
p.warning { color: #9b2c2c; }
blockquote { margin-left: 12px; color: #2d3748; }
span.quote { color: #2c5282; }
span.flag { color: #9b2c2c; }
"""


def esc(text: str) -> str:
    """Escape text for element content and quoted attributes (control characters are dropped as well)."""
    return escape_html(text)


def _paragraphs(text: str) -> str:
    parts = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{esc(' '.join(p.split()))}</p>" for p in parts) or "<p>(empty)</p>"


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


def _criteria_table(answer: AnswerContent) -> str:
    rows = []
    for c in answer.criteria:
        why = esc(c.rationale)
        if c.quotes:
            heard = "; ".join(f"“{esc(q)}”" for q in c.quotes)
            why += f'<br/><span class="quote">Heard: {heard}</span>'
        if c.flagged:
            why += '<br/><span class="flag">Some quoted evidence was not in the answer and was dropped.</span>'
        rows.append(
            f"<tr><td>{esc(c.name)}</td><td class='num'>{c.weight:g}</td>"
            f"<td class='num'>{c.score} / {c.scale_max}</td><td>{why}</td></tr>"
        )
    head = "<tr><th>Criterion</th><th>Weight</th><th>Score</th><th>Why</th></tr>"
    return f'<table class="criteria" width="100%" cellspacing="0">{head}{"".join(rows)}</table>'


def _readings_table(answer: AnswerContent) -> str:
    head = "<tr><th>Measure</th><th>This answer</th><th>Target</th><th>What it means</th></tr>"
    rows = [
        f"<tr><td>{esc(r.name)}</td><td>{esc(r.value)}</td><td>{'✓' if r.on_target else '✗'} {esc(r.target)}</td>"
        f"<td>{esc(r.explanation)}</td></tr>"
        for r in answer.readings
    ]
    return f'<table class="criteria" width="100%" cellspacing="0">{head}{"".join(rows)}</table>'


def answer_html(answer: AnswerContent, *, heading: bool = True) -> str:
    """The body markup for one answer (no <html> wrapper)."""
    out = []
    if heading:
        out.append(f"<h2>{esc(answer.label)}. {esc(answer.question)}</h2>")
    facts = [f"{esc(answer.competency)} · {esc(answer.kind)} · {esc(answer.level)} level", esc(answer.status)]
    if answer.duration:
        facts.append(f"{esc(answer.duration)} long")
    out.append(f'<p class="facts">{" · ".join(facts)}</p>')
    score = f"<b>Score: {esc(answer.overall)}</b>"
    if answer.scorer:
        score += f"<br/>Judge: {esc(answer.scorer)}"
    out.append(f"<p>{score}</p>")
    if answer.status_reason:
        out.append(f'<p class="warning">{esc(answer.status_reason)}</p>')
    if answer.criteria:
        out.append(_criteria_table(answer))
    for title, items in (
        ("Strengths", answer.strengths),
        ("To improve", answer.improvements),
        ("A stronger answer would", answer.stronger_answer),
    ):
        if items:
            out.append(f"<h3>{title}</h3>{_list(items)}")
    if answer.star:
        marks = ", ".join(f"{name} {'✓' if present else '✗'}" for name, present in answer.star)
        out.append(f"<p><b>STAR structure:</b> {marks}</p>")
    if answer.follow_up:
        out.append(f"<p><b>Likely follow-up:</b> {esc(answer.follow_up)}</p>")
    if answer.delivery or answer.readings:
        out.append("<h3>Delivery</h3>")
    if answer.delivery:
        out.append("<p>" + ", ".join(f"<b>{name}:</b> {esc(v)}" for name, v in answer.delivery) + "</p>")
    if answer.readings:
        out.append(_readings_table(answer))
    if answer.notes:
        out.append(f"<h3>Notes</h3>{_list(answer.notes)}")
    out.append("<h3>Transcript</h3>")
    if answer.transcript is None:
        out.append("<p><i>No transcript.</i></p>")
    else:
        out.append(f"<blockquote>{_paragraphs(answer.transcript)}</blockquote>")
    return "\n".join(out)


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document around `body` (which must already be escaped markup)."""
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'/>\n"
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}"/>\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def render_html(report: SessionReport) -> str:
    facts = [f"{esc(report.started)}" + (f" – {esc(report.ended)}" if report.ended else "")]
    if report.banks:
        facts.append("Question banks: " + esc(", ".join(report.banks)))
    if report.skills:
        facts.append("Skills: " + esc(", ".join(report.skills)))
    facts.append(f"Answers: {len(report.answers)}")
    body = [
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="facts">{"<br/>".join(facts)}</p>',
        f"<p><b>Overall: {esc(report.overall)}</b> (mean of the scored answers on a 1-5 scale)</p>",
    ]
    if report.debrief is not None:
        body += ["<h2>Debrief</h2>", f"<p><b>{esc(report.debrief.summary)}</b></p>"]
        body += [f"<h3>{esc(section.title)}</h3>{_list(section.lines)}" for section in report.debrief.sections]
    if report.answers:
        rows = "".join(
            f'<tr><td class="num">{a.number}</td><td>{esc(a.question)}</td><td>{esc(a.competency)}</td>'
            f'<td class="num">{esc(a.overall)}</td></tr>'
            for a in report.answers
        )
        head = "<tr><th>#</th><th>Question</th><th>Skill</th><th>Score</th></tr>"
        body.append(
            f'<h2>Scores at a glance</h2><table class="criteria" width="100%" cellspacing="0">{head}{rows}</table>'
        )
    body += [answer_html(answer) for answer in report.answers]
    return page(report.title, "\n".join(body))
