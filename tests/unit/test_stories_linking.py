"""After an answer is scored in a practice session, the story it told is detected and the attempt linked to it.

Real SQLite, banks, offline scorer and story file; the session harness stands in only for microphone and clock.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.practice_fakes import make_harness, start
from tpm_coach.practice import Phase
from tpm_coach.storage import SCHEMA_VERSION, Database
from tpm_coach.storage.stories import StoryLinkRepository
from tpm_coach.stories import stories_path

DATA = Path(__file__).resolve().parent.parent / "data" / "stories"


def _answer(story: str | None) -> str:
    answers = yaml.safe_load((DATA / "answers.yaml").read_text())["answers"]
    return str(next(a["text"] for a in answers if a["story"] == story))


def test_a_scored_answer_is_linked_to_the_story_it_retold(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    target = stories_path(h.data_paths)
    target.parent.mkdir(parents=True)
    shutil.copy(DATA / "stories.yaml", target)
    start(h)
    h.controller.submit_typed(_answer("vendor-slip"))
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    record = h.controller.record
    assert record is not None
    link = StoryLinkRepository(h.db).get(record.id)
    assert link is not None and link.story_id == "vendor-slip" and link.source == "detected"
    snapshot = h.controller.snapshot()
    assert snapshot.story is not None and snapshot.story.story_id == "vendor-slip"
    uses = StoryLinkRepository(h.db).uses()
    assert [(u.attempt_id, u.story_id) for u in uses] == [(record.id, "vendor-slip")]
    assert uses[0].strength is not None and 0.0 <= uses[0].strength <= 1.0


def test_a_new_story_is_linked_as_none_and_a_chosen_story_is_kept(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    target = stories_path(h.data_paths)
    target.parent.mkdir(parents=True)
    shutil.copy(DATA / "stories.yaml", target)
    start(h)
    h.controller.submit_typed(_answer(None))
    h.runner.drain()
    record = h.controller.record
    assert record is not None
    links = StoryLinkRepository(h.db)
    link = links.get(record.id)
    assert link is not None and link.story_id is None
    links.link(record.id, "cost-cut", 1.0, source="chosen")
    links.link(record.id, None, 0.05)  # a later detection does not undo the candidate's choice
    chosen = links.get(record.id)
    assert chosen is not None and chosen.story_id == "cost-cut" and chosen.source == "chosen"


def test_without_stories_or_with_a_broken_file_scoring_is_untouched(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h, count=3)
    h.controller.submit_typed(_answer("vendor-slip"))
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert h.controller.story is not None and h.controller.story.story_id is None  # no stories: a new one
    target = stories_path(h.data_paths)
    target.parent.mkdir(parents=True)
    target.write_text("stories: [oops\n")
    h.controller.next_question()
    h.runner.drain()
    h.controller.submit_typed(_answer("vendor-slip"))
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    record = h.controller.record
    assert record is not None and record.score is not None
    assert StoryLinkRepository(h.db).get(record.id) is None
    assert h.controller.story is None


def test_the_links_table_is_created_by_the_last_migrations(tmp_path: Path) -> None:
    with Database.open(tmp_path / "db.sqlite3") as db:
        assert db.version == SCHEMA_VERSION
        names = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "attempt_stories" in names
