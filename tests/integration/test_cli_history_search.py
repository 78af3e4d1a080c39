"""`tpm-coach history --search TEXT [--json]` run as a person runs it, over sessions stored by the app."""

from __future__ import annotations

import json

from tests.support.cli import tpm
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach.context import AppContext


def test_search_finds_transcript_and_title_words_and_says_where() -> None:
    ctx = AppContext()
    try:
        vendor = add_session(ctx, SessionSpec([Answer("tech-001", 4, transcript="We renegotiated the vendor SLA.")]))
        titled = add_session(ctx, SessionSpec([Answer("comm-001", 3)], title="Vendor drills"))
        add_session(ctx, SessionSpec([Answer("comm-001", 3)]))
    finally:
        ctx.close()

    rows = json.loads(tpm("history", "--search", "vendor", "--json").stdout)
    assert [r["id"] for r in rows] == [titled, vendor]
    by_id = {r["id"]: r for r in rows}
    assert by_id[titled]["matches"] == []  # its title matched, not its answers
    [match] = by_id[vendor]["matches"]
    assert match["field"] == "transcript" and "[vendor]" in match["excerpt"]
    assert {"title", "overall", "attempt_count"} <= set(by_id[vendor])

    text = tpm("history", "--search", "renegotiated sla")
    assert text.returncode == 0 and f"#{vendor}" in text.stdout and "[renegotiated]" in text.stdout
    assert f"#{titled}" not in text.stdout
    none = tpm("history", "--search", "kubernetes")
    assert none.returncode == 0 and "no session matches" in none.stdout
    empty = tpm("history", "--search", "  ")
    assert empty.returncode == 2 and "at least one word" in empty.stderr
    assert len(json.loads(tpm("history", "--json").stdout)) == 3  # without --search: every session, as before


def test_a_session_of_typed_answers_has_no_speaking_time() -> None:
    ctx = AppContext()
    try:
        spoken = add_session(ctx, SessionSpec([Answer("tech-001", 4)]))
        typed = ctx.sessions.create(["default"], "Typed only")
        question = ctx.banks.question("comm-001")
        ctx.attempts.create(typed, question, ctx.banks.competency_for(question), answer_mode="typed")
    finally:
        ctx.close()
    rows = {r["id"]: r for r in json.loads(tpm("history", "--json").stdout)}
    assert rows[typed]["speaking_time_s"] is None  # not 0.0: nothing was said, and nothing was timed
    assert rows[spoken]["speaking_time_s"] == 42.0
