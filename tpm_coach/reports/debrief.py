"""An interview's debrief as a session report shows it: the verdict, each skill's signal with the candidate's own
words, the moments that moved the decision and what to practise next, as plain text for each renderer to escape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tpm_coach.display_text import display_safe
from tpm_coach.storage.interviews import InterviewRow


def _words(value: Any) -> str:
    return display_safe(str(value or "not assessed").replace("_", " "))


@dataclass(frozen=True)
class DebriefSection:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class DebriefContent:
    summary: str  # "Onsite interview at senior level: lean hire (bar 3.5/5)"
    sections: list[DebriefSection]


def debrief_content(row: InterviewRow | None) -> DebriefContent | None:
    """The stored debrief of an interview; None for a practice session or an interview not yet debriefed."""
    if row is None or row.debrief is None:
        return None
    stored = row.debrief
    summary = (
        f"{display_safe(row.format).capitalize()} interview at {display_safe(row.level)} level: "
        f"{_words(row.verdict)} (bar {float(stored.get('bar', 0)):.1f}/5)"
    )
    sections = []
    for skill in stored.get("skills", []):
        title = (
            f"{display_safe(str(skill.get('name', '')))}: {_words(skill.get('signal'))} ({skill.get('mean', 0):.1f}/5)"
        )
        sections.append(DebriefSection(title, [f"“{display_safe(str(q))}”" for q in skill.get("evidence", [])]))
    moments = [
        f"{display_safe(str(m.get('effect', '')))}: “{display_safe(str(m.get('quote', '')))}”"
        for m in stored.get("moments", [])
    ]
    if moments:
        sections.append(DebriefSection("Moments that moved the decision", moments))
    practise = [
        f"{display_safe(str(p.get('name', '')))}: {display_safe(str(p.get('reason', '')))}"
        for p in stored.get("practise_next", [])
    ]
    if practise:
        sections.append(DebriefSection("Practise next", practise))
    if stored.get("not_assessed"):
        sections.append(DebriefSection("Not reached", [display_safe(str(s)) for s in stored["not_assessed"]]))
    return DebriefContent(summary, sections)
