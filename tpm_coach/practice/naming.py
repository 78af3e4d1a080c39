"""Session names: the default a new session gets (its date and skills) and the rule for a name a person types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tpm_coach.errors import StorageError

MAX_TITLE_CHARS = 120


def default_session_title(day: date, skill_names: Sequence[str]) -> str:
    """E.g. '30 Nov 2026 · Communication, Leadership': the skills in the order first asked, each once."""
    skills = list(dict.fromkeys(name for name in skill_names if name))
    when = f"{day.day} {day:%b %Y}"
    return f"{when} · {', '.join(skills)}" if skills else when


def clean_title(text: str) -> str:
    """A typed session name on one line; an empty or overlong one is refused with what to do."""
    title = " ".join(text.split())
    if not title:
        raise StorageError("a session needs a name", "type a few words, e.g. 'Mock loop with Dana'")
    if len(title) > MAX_TITLE_CHARS:
        raise StorageError(
            f"a session name can be at most {MAX_TITLE_CHARS} characters (this one has {len(title)})",
            "shorten the name",
        )
    return title
