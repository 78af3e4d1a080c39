"""Session reports as Markdown and HTML, from sessions stored through the real repositories."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.hostile import (
    BANK_ID,
    H1,
    IMG,
    LINK,
    TABLE,
    export_problems,
    install_hostile_bank,
    store_hostile_session,
)
from tests.ui.history_support import Answer, SessionSpec, add_session
from tpm_coach import reports
from tpm_coach.context import AppContext
from tpm_coach.errors import KnownError, StorageError
from tpm_coach.reports.markdown import escape
from tpm_coach.secrets import KEYRING_SERVICE, KEYRING_USER

HOSTILE = (
    'We shipped it. <script>alert("x")</script> <img src="https://evil.example/p.png"> & **bold** [link](http://x)'
)


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = AppContext()
    yield context
    context.close()


def _report(ctx: AppContext, *answers: Answer, title: str = "Mock loop") -> reports.SessionReport:
    session_id = add_session(ctx, SessionSpec(list(answers), title=title))
    names = {bank_id: loaded.bank.name for bank_id, loaded in ctx.banks.banks.items()}
    return reports.load_report(ctx.sessions, ctx.attempts, session_id, names)


class _Collector(HTMLParser):
    """Collects the tags and the attribute values of a document, to prove what it contains."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [f"{k}={v}" for k, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_escapes_transcript_and_feedback(ctx: AppContext) -> None:
    report = _report(ctx, Answer("tech-001", 4, transcript=HOSTILE, feedback="<b onclick='x()'>Good</b>"))
    page = reports.render_html(report)
    parsed = _Collector()
    parsed.feed(page)

    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert not any("onclick" in a for a in parsed.attributes)
    assert not any("://" in a for a in parsed.attributes)
    text = "".join(parsed.text)
    assert '<script>alert("x")</script>' in text  # shown to the reader as typed
    assert "<b onclick='x()'>Good</b>" in text
    assert "Content-Security-Policy" in page


def test_html_report_holds_question_scores_and_feedback(ctx: AppContext) -> None:
    report = _report(ctx, Answer("tech-001", [2, 3, 4, 5]), Answer("comm-001", None))
    page = reports.render_html(report)

    assert "Mock loop" in page
    assert "TPM core skills" in page  # the bank's display name, not its id
    assert ctx.banks.question("tech-001").text.split()[0] in page
    assert "Scale and constraints" in page
    assert "2 / 5" in page and "5 / 5" in page
    assert "not scored" in page  # the second answer
    assert "Likely follow-up" in page


def test_markdown_report_escapes_markup(ctx: AppContext) -> None:
    report = _report(ctx, Answer("tech-001", 3, transcript=HOSTILE))
    text = reports.render_markdown(report)

    assert "<script>" not in text
    assert "\\<script\\>" in text
    assert "\\*\\*bold\\*\\*" in text
    assert "\\[link\\](http://x)" in text  # brackets escaped: no link
    assert text.startswith("# Mock loop\n")
    assert "| Scale and constraints | 1 | 3 / 5 |" in text


@given(st.text(max_size=200))
def test_markdown_escape_only_adds_backslashes(text: str) -> None:
    escaped = escape(text)
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL) == text
    assert re.search(r"(?<!\\)[<>*_`\[\]|&]", escaped.replace("\\\\", "")) is None


def test_reports_never_contain_the_api_key(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    env_key = "sk-env-4f8a1b2c3d4e5f60718293a4b5c6d7e8"
    stored_key = "sk-ring-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"
    monkeypatch.setenv("OPENAI_API_KEY", env_key)
    keyring.set_password(KEYRING_SERVICE, KEYRING_USER, stored_key)
    report = _report(ctx, Answer("tech-001", 4))

    for fmt in (reports.ReportFormat.MARKDOWN, reports.ReportFormat.HTML):
        text = reports.render_text(report, fmt)
        assert env_key not in text and stored_key not in text
        assert "sk-" not in text


def test_write_text_report_writes_each_format(ctx: AppContext, tmp_path: Path) -> None:
    report = _report(ctx, Answer("tech-001", 4))
    for name in ("report.md", "report.html"):
        path = tmp_path / "out" / name
        reports.write_text_report(report, path, reports.ReportFormat.from_path(path))
        assert path.read_text(encoding="utf-8").count("Mock loop") >= 1
    assert (tmp_path / "out" / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html", "report.md"]


def test_write_text_report_to_an_unwritable_place_is_a_storage_error(ctx: AppContext, tmp_path: Path) -> None:
    report = _report(ctx, Answer("tech-001", 4))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot write the report"):
        reports.write_text_report(report, blocker / "report.md", reports.ReportFormat.MARKDOWN)


def test_report_format_comes_from_the_file_name() -> None:
    assert reports.ReportFormat.from_path(Path("x.PDF")) is reports.ReportFormat.PDF
    assert reports.ReportFormat.from_path(Path("x.markdown")) is reports.ReportFormat.MARKDOWN
    assert reports.ReportFormat.from_path(Path("x.htm")) is reports.ReportFormat.HTML
    with pytest.raises(KnownError):
        reports.ReportFormat.from_path(Path("x.docx"))


def test_report_of_a_deleted_session_is_a_storage_error(ctx: AppContext) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 4)]))
    ctx.sessions.delete(session_id)
    with pytest.raises(StorageError):
        reports.load_report(ctx.sessions, ctx.attempts, session_id)


def test_failed_scoring_is_explained_in_the_report(ctx: AppContext) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", None)]))
    attempt = ctx.attempts.list_for_session(session_id)[0]
    ctx.attempts.mark_scoring_failed(attempt.id, "the LLM server did not answer within 60 s")
    report = reports.load_report(ctx.sessions, ctx.attempts, session_id)

    text = reports.render_markdown(report)
    assert "scoring failed" in text
    assert "did not answer within 60 s" in text
    assert report.title == f"Practice session {session_id}"


@given(st.text(max_size=200))
def test_markdown_escape_mid_line_only_adds_backslashes(text: str) -> None:
    escaped = escape(text, line_start=False)
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL) == text
    if "\n" not in text:  # nothing is escaped just because it would start a line
        assert escaped == escape("x" + text, line_start=False)[1:]


def test_numbers_are_not_escaped_in_the_middle_of_a_line(ctx: AppContext) -> None:
    report = _report(ctx, Answer("tech-001", 4))
    text = reports.render_markdown(report)
    assert "**Overall:** 4.0 / 5" in text
    assert "**Score:** 4.0 / 5  \n**Judge:** Offline estimate" in text


def test_each_answer_names_the_judge_of_the_score_shown(ctx: AppContext) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 2), Answer("comm-001", 3)]))
    first = ctx.attempts.list_for_session(session_id)[0]
    assert first.score is not None
    judged = first.score.model_copy(
        update={"scorer": "llm", "model": "qwen2.5-1.5b", "prompt_version": "score_answer.v2@abc123def456"}
    )
    ctx.attempts.save_score(first.id, judged)  # re-scored by an LLM; the offline estimate is kept, not shown
    report = reports.load_report(ctx.sessions, ctx.attempts, session_id)

    llm, offline = "LLM · qwen2.5-1.5b · score_answer.v2@abc123def456", "Offline estimate"
    markdown = reports.render_markdown(report)
    assert [line for line in markdown.splitlines() if line.startswith("**Judge:**")] == [
        f"**Judge:** {escape(llm, line_start=False)}",  # the underscore is escaped; readers see it plain
        f"**Judge:** {offline}",
    ]
    parsed = _Collector()
    parsed.feed(reports.render_html(report))
    assert [t for t in parsed.text if t.startswith("Judge:")] == [f"Judge: {llm}", f"Judge: {offline}"]


def test_reports_show_a_hostile_bank_and_score_as_text_without_controls(ctx: AppContext) -> None:
    install_hostile_bank(ctx)
    session_id, _ = store_hostile_session(ctx)
    report = reports.load_report(ctx.sessions, ctx.attempts, session_id, {BANK_ID: ctx.banks.get(BANK_ID).bank.name})

    page = reports.render_html(report)
    parsed = _Collector()
    parsed.feed(page)
    assert not {"img", "a", "script", "link", "iframe"} & set(parsed.tags)
    assert not [a for a in parsed.attributes if "evil.example" in a or "file:" in a]
    shown = "".join(parsed.text)
    for markup in (H1, IMG, LINK, TABLE):
        assert markup in shown  # the reader sees the characters that were written
    markdown = reports.render_markdown(report)
    assert "SCORE 5/5 HACKED" in markdown
    for text in (page, markdown):
        assert export_problems(text) == []


def _add_typed_answer(ctx: AppContext, session_id: int, text: str) -> None:
    from tpm_coach.domain.attempt import Transcript
    from tpm_coach.language import compute_delivery_metrics

    question = ctx.banks.question("comm-001")
    attempt_id = ctx.attempts.create(session_id, question, ctx.banks.competency_for(question), answer_mode="typed")
    transcript = Transcript(text=text, engine="typed", model="")
    ctx.attempts.save_transcript(attempt_id, transcript, compute_delivery_metrics(transcript))


def test_a_typed_answer_reports_no_speaking_time_or_pace(ctx: AppContext) -> None:
    session_id = add_session(ctx, SessionSpec([Answer("tech-001", 4)], title="Mixed"))
    _add_typed_answer(ctx, session_id, "I would agree the milestones with each team lead first.")
    names = {bank_id: loaded.bank.name for bank_id, loaded in ctx.banks.banks.items()}
    report = reports.load_report(ctx.sessions, ctx.attempts, session_id, names)
    spoken, typed = report.answers
    assert [r.key for r in spoken.readings] == ["pace", "fillers", "pauses"]
    assert typed.readings == [] and typed.duration == ""
    assert typed.delivery == [("Words", "10")]
    typed_md = reports.render_markdown(report).split("## 2. ")[1]
    typed_html = reports.render_html(report).split("<h2>2. ")[1]
    for text in (typed_md, typed_html):
        assert "0:00" not in text and "words a minute" not in text and "Speaking time" not in text


def test_delivery_in_a_report_is_a_table_with_targets_and_a_reason(ctx: AppContext) -> None:
    report = _report(ctx, Answer("tech-001", 4))
    markdown = reports.render_markdown(report)
    # add_session stores 140 words a minute and 2 fillers over 42 s: pace on target, fillers 2.9 a minute.
    assert "| Pace | 140 words a minute | ✓ 110–170 words a minute |" in markdown
    assert "| Fillers | 2 (2.9 a minute) | ✓ at most 3 a minute |" in markdown
    assert "### Delivery" in markdown
    page = reports.render_html(report)
    assert "<td>Pace</td><td>140 words a minute</td>" in page


def test_a_report_opens_with_every_question_and_its_score(ctx: AppContext) -> None:
    report = _report(ctx, Answer("tech-001", [2, 3, 4, 5]), Answer("comm-001", None))
    markdown = reports.render_markdown(report)
    glance = markdown.split("## Scores at a glance")[1].split("## 1. ")[0]
    rows = [line for line in glance.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 2
    assert rows[0].endswith(f"| {report.answers[0].overall} |") and rows[1].endswith("| not scored |")
    assert "<h2>Scores at a glance</h2>" in reports.render_html(report)
