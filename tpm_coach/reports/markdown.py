"""A session report as Markdown. Spoken and scorer text is escaped so it can never become markup or raw HTML."""

from __future__ import annotations

import re

from tpm_coach.reports.content import AnswerContent, SessionReport

# Characters that start inline markup anywhere: emphasis, code, links, raw HTML, entities, tables, strike-through.
_INLINE = re.compile(r"([\\`*_\[\]<>|&~])")
# What makes a line a heading, list item or setext underline ('>' is already escaped as inline syntax).
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])", re.MULTILINE)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." starts an ordered list; "1\." does not
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def escape(text: str, *, line_start: bool = True) -> str:
    """Backslash-escape Markdown syntax; the reader sees the original characters.

    With `line_start` False the text goes after other text on its line, where "1." or "#" mean nothing.
    """
    escaped = _INLINE.sub(r"\\\1", text)
    if line_start:
        return _LINE_START.sub(_escape_line_start, escaped)
    first, newline, rest = escaped.partition("\n")
    return first + newline + _LINE_START.sub(_escape_line_start, rest)


def _one_line(text: str, *, line_start: bool = False) -> str:
    return escape(" ".join(text.split()), line_start=line_start)


def _bullets(items: list[str]) -> list[str]:
    return [f"- {_one_line(item, line_start=True)}" for item in items]


def _quote_block(text: str) -> list[str]:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    lines: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            lines.append(">")
        lines.append("> " + _one_line(paragraph, line_start=True))
    return lines or ["> (empty)"]


def _answer(answer: AnswerContent) -> list[str]:
    out = [f"## {_one_line(answer.label)}. {_one_line(answer.question)}", ""]
    facts = [
        f"**Skill:** {_one_line(answer.competency)}",
        f"**Kind:** {_one_line(answer.kind)}, {_one_line(answer.level)} level",
        f"**Status:** {_one_line(answer.status)}",
    ]
    if answer.duration:
        facts.append(f"**Length:** {answer.duration}")
    facts.append(f"**Score:** {_one_line(answer.overall)}")
    if answer.scorer:
        facts.append(f"**Judge:** {_one_line(answer.scorer)}")
    out += [f"{fact}  " for fact in facts[:-1]] + [facts[-1], ""]
    if answer.status_reason:
        out += [f"*{_one_line(answer.status_reason)}*", ""]
    if answer.criteria:
        out += ["| Criterion | Weight | Score | Why |", "|---|---:|---:|---|"]
        for c in answer.criteria:
            why = _one_line(c.rationale)
            if c.quotes:
                why += " — heard: " + "; ".join(f"“{_one_line(q)}”" for q in c.quotes)
            if c.flagged:
                why += " (some quoted evidence was not in the answer and was dropped)"
            out.append(f"| {_one_line(c.name)} | {c.weight:g} | {c.score} / {c.scale_max} | {why} |")
        out.append("")
    for title, items in (
        ("Strengths", answer.strengths),
        ("To improve", answer.improvements),
        ("A stronger answer would", answer.stronger_answer),
    ):
        if items:
            out += [f"### {title}", "", *_bullets(items), ""]
    if answer.star:
        marks = ", ".join(f"{name} {'✓' if present else '✗'}" for name, present in answer.star)
        out += [f"**STAR structure:** {marks}", ""]
    if answer.follow_up:
        out += [f"**Likely follow-up:** {_one_line(answer.follow_up)}", ""]
    if answer.delivery or answer.readings:
        out += ["### Delivery", ""]
    if answer.delivery:
        out += [", ".join(f"**{name}:** {_one_line(value)}" for name, value in answer.delivery), ""]
    if answer.readings:
        out += ["| Measure | This answer | Target | What it means |", "|---|---|---|---|"]
        for r in answer.readings:
            mark = "✓" if r.on_target else "✗"
            out.append(f"| {r.name} | {r.value} | {mark} {r.target} | {_one_line(r.explanation)} |")
        out.append("")
    if answer.notes:
        out += ["### Notes", "", *_bullets(answer.notes), ""]
    out += ["### Transcript", ""]
    out += _quote_block(answer.transcript) if answer.transcript is not None else ["*No transcript.*"]
    out.append("")
    return out


def render_markdown(report: SessionReport) -> str:
    lines = [f"# {_one_line(report.title)}", ""]
    facts = [f"**Date:** {report.started}" + (f" – {report.ended}" if report.ended else "")]
    if report.banks:
        facts.append("**Question banks:** " + ", ".join(_one_line(b) for b in report.banks))
    if report.skills:
        facts.append("**Skills:** " + ", ".join(_one_line(s) for s in report.skills))
    facts.append(f"**Overall:** {_one_line(report.overall)} (mean of the scored answers on a 1-5 scale)")
    facts.append(f"**Answers:** {len(report.answers)}")
    lines += [f"{fact}  " for fact in facts[:-1]] + [facts[-1], ""]
    if report.debrief is not None:
        lines += ["## Debrief", "", _one_line(report.debrief.summary, line_start=True), ""]
        for section in report.debrief.sections:
            lines += [f"### {_one_line(section.title)}", "", *_bullets(section.lines), ""]
    if report.answers:
        lines += ["## Scores at a glance", "", "| # | Question | Skill | Score |", "|---:|---|---|---|"]
        for a in report.answers:
            lines.append(
                f"| {a.number} | {_one_line(a.question)} | {_one_line(a.competency)} | {_one_line(a.overall)} |"
            )
        lines.append("")
    for answer in report.answers:
        lines += _answer(answer)
    return "\n".join(lines).rstrip("\n") + "\n"
