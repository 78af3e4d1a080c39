"""Session names: the default (date and skills), the rule for a typed name, and renaming a stored session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tpm_coach.errors import StorageError
from tpm_coach.practice.naming import MAX_TITLE_CHARS, clean_title, default_session_title
from tpm_coach.storage import Database, SessionRepository
from tpm_coach.storage.session_names import rename_session


def test_the_default_name_is_the_date_and_each_skill_once() -> None:
    names = ["Communication", "Leadership", "Communication"]
    assert default_session_title(date(2026, 11, 3), names) == "3 Nov 2026 · Communication, Leadership"
    assert default_session_title(date(2026, 1, 30), []) == "30 Jan 2026"


def test_a_typed_name_is_one_line_and_not_empty_or_overlong() -> None:
    assert clean_title("  Mock loop\n with   Dana ") == "Mock loop with Dana"
    with pytest.raises(StorageError, match="needs a name"):
        clean_title("   ")
    with pytest.raises(StorageError, match=f"at most {MAX_TITLE_CHARS}"):
        clean_title("x" * (MAX_TITLE_CHARS + 1))


def test_renaming_a_session_is_stored_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "app.sqlite3")
    sessions = SessionRepository(db)
    session_id = sessions.create(["default"], title="30 Nov 2026 · Leadership")
    rename_session(db, session_id, "Onsite with Dana")
    assert sessions.get(session_id).title == "Onsite with Dana"
    with pytest.raises(StorageError, match="does not exist"):
        rename_session(db, session_id + 1, "Nobody")
    db.close()


def test_a_new_session_is_named_by_its_date_and_the_skills_it_asks(tmp_path: Path) -> None:
    from tests.support.practice_fakes import make_harness, start

    h = make_harness(tmp_path)
    start(h, count=2, competencies=("leadership",))
    assert h.controller.session_id is not None
    title = h.sessions.get(h.controller.session_id).title
    leadership = h.library.competency("leadership").name
    assert title == default_session_title(date.today(), [leadership])
    h.db.close()
