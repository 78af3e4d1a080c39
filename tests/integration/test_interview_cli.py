"""`tpm-coach interview` run as a real process: a whole interview from typed answers, scored offline and by a
loopback server speaking the OpenAI protocol, stored like any session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import tpm
from tests.support.openai_server import OpenAIStubServer, RecordedRequest, json_reply, score_payload
from tpm_coach.context import AppContext
from tpm_coach.storage.interviews import InterviewRepository

SIGNALS = {"strong_no_hire", "lean_no_hire", "lean_hire", "strong_hire"}
# Scale, trade-offs and failure handling, nothing on components and data flow.
NO_DESIGN = (
    "First I would ask what the peak volume is: ten million customers, maybe two thousand messages per second at "
    "peak, and what the latency target is. The trade-off is cost versus speed: SMS costs money, so we give up some "
    "speed for cost. If the SMS provider is down we fail over to a second provider, with retries and backoff, and "
    "we use idempotency keys so nobody gets a duplicate message. We canary the change and roll back on alerts."
)
DESIGN = (
    "The request goes to an order service which publishes an event to a queue between it and the notification "
    "service. The notification service is the source of truth for preferences, and the data flow is order event, "
    "queue, preferences lookup, template, then a sender per channel behind an API contract."
)
LEADERSHIP = (
    "I set a clear goal with the two leads, wrote down the decision we needed and the deadline, and asked each to "
    "present the trade-offs. We agreed on the design in a week and shipped the migration on time."
)


@pytest.fixture
def server() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as stub:
        yield stub


def answers_file(tmp_path: Path, *answers: str) -> Path:
    path = tmp_path / "answers.txt"
    path.write_text("\n---\n".join(answers) + "\n", encoding="utf-8")
    return path


def interview(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = tpm("interview", *args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_an_offline_onsite_probes_the_omitted_design_and_debriefs_with_quotes(tmp_path: Path) -> None:
    typed = answers_file(tmp_path, NO_DESIGN, DESIGN, LEADERSHIP, LEADERSHIP, LEADERSHIP)

    out = interview(
        "--format", "onsite", "--level", "senior", "--skills", "technical-aptitude", "--seed", "4",
        "--typed", str(typed), "--scorer", "offline",
    )  # fmt: skip

    turns = out["turns"]
    assert [t["answer"] for t in turns] == [NO_DESIGN, DESIGN, LEADERSHIP, LEADERSHIP, LEADERSHIP][: len(turns)]
    assert turns[0]["kind"] == "question" and turns[0]["probes"] == []
    first = turns[0]["criteria"]
    follow_ups = [t for t in turns if t["kind"] == "follow_up"]
    assert follow_ups, "a weak criterion was left, so the interviewer probes it"
    assert turns[1]["kind"] == "follow_up" and turns[1]["probes"] == [min(first, key=first.__getitem__)]
    parents = {t["attempt_id"]: t for t in turns if t["kind"] == "question"}
    for t in follow_ups:
        covered = {cid for cid, value in parents[t["parent_attempt_id"]]["criteria"].items() if value > 3}
        assert not set(t["probes"]) & covered
        assert set(t["criteria"]) == set(t["probes"])  # scored only on what it probes
    assert all(isinstance(t["score"], float) for t in turns)
    debrief = out["debrief"]
    assert debrief["skills"] and all(s["signal"] in SIGNALS and s["evidence"] for s in debrief["skills"])
    answered = " ".join(t["answer"] for t in turns)
    assert all(quote in answered for s in debrief["skills"] for quote in s["evidence"])

    ctx = AppContext()
    try:
        stored = InterviewRepository(ctx.database).get(out["session_id"])
        records = {r.id: r for r in ctx.attempts.list_for_session(out["session_id"])}
        probes = InterviewRepository(ctx.database).probes_for_session(out["session_id"])
    finally:
        ctx.close()
    assert stored is not None and (stored.format, stored.level) == ("onsite", "senior")
    assert stored.verdict == debrief["verdict"]
    parent = records[turns[0]["attempt_id"]]
    assert [records[t["attempt_id"]].parent_attempt_id for t in follow_ups] == [
        t["parent_attempt_id"] for t in follow_ups
    ]
    assert turns[1]["parent_attempt_id"] == parent.id
    assert probes[turns[1]["attempt_id"]].probes == tuple(turns[1]["probes"])
    # The parent's score was updated with the follow-up and the first score kept.
    assert parent.score is not None and len(parent.scores) >= 2
    probed = turns[1]["probes"][0]
    assert {c.id: c.score for c in parent.score.criteria}[probed] == max(first[probed], turns[1]["criteria"][probed])


def test_the_run_ends_when_the_answers_run_out(tmp_path: Path) -> None:
    typed = answers_file(tmp_path, LEADERSHIP)
    out = interview("--format", "loop", "--level", "staff", "--seed", "1", "--typed", str(typed), "--scorer", "offline")
    assert len(out["turns"]) == 1 and len(out["rounds"]) == 3
    assert len(out["debrief"]["not_assessed"]) == 5


def test_bad_input_is_refused_with_what_to_do(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n---\n\n", encoding="utf-8")
    result = tpm("interview", "--format", "screen", "--level", "mid", "--typed", str(empty))
    assert result.returncode == 2 and "holds no answers" in result.stderr
    result = tpm("interview", "--format", "onsite", "--level", "mid", "--skills", "a,b,c", "--typed", str(empty))
    assert result.returncode == 2


def llm_env(server: OpenAIStubServer) -> dict[str, str]:
    return {"OPENAI_BASE_URL": server.base_url, "TPM_COACH_LLM_MODEL": "stub-model", "TPM_COACH_LLM_MAX_RETRIES": "0"}


QUOTE = "we give up some speed for cost"


def test_with_an_llm_the_probe_quotes_the_candidate_and_the_follow_up_is_scored_on_its_probes(
    tmp_path: Path, server: OpenAIStubServer
) -> None:
    tech = ["constraints", "architecture", "trade-offs", "failure-and-rollout"]
    probe = {"quote": QUOTE, "follow_up": f'You said "{QUOTE}". Walk me through the components and how data flows.'}
    server.script(
        json_reply(
            score_payload(tech, {"constraints": 5, "architecture": 2, "trade-offs": 3, "failure-and-rollout": 5})
        ),
        json_reply(probe),
        json_reply(score_payload(["architecture", "trade-offs"], {"architecture": 4, "trade-offs": 2})),
        json_reply(score_payload(tech, 4)),
    )
    typed = answers_file(tmp_path, NO_DESIGN, DESIGN, NO_DESIGN)

    out = interview(
        "--format", "screen", "--level", "mid", "--skills", "technical-aptitude", "--seed", "2",
        "--typed", str(typed), env=llm_env(server),
    )  # fmt: skip

    requests: list[RecordedRequest] = server.wait_for_requests(4)
    question, follow_up, third = out["turns"]
    assert follow_up["kind"] == "follow_up" and follow_up["probe_source"] == "llm"
    assert follow_up["probes"] == ["architecture", "trade-offs"]
    assert f'"{QUOTE}"' in follow_up["question"] and QUOTE in question["answer"]
    probe_request = requests[1].text()
    covered_part = probe_request.split("Already covered well")[1].split("The candidate's answer")[0]
    assert "Scale and constraints" in covered_part and "Components and data flow" not in covered_part
    # The follow-up was scored against the two probed criteria only.
    rubric = [line for line in requests[2].text().splitlines() if line.startswith("### `")]
    assert [line.split("`")[1] for line in rubric] == ["architecture", "trade-offs"]
    assert follow_up["criteria"] == {"architecture": 4, "trade-offs": 2}
    assert third["kind"] == "question" and question["score"] == (5 * 1 + 2 * 1.5 + 3 * 1.5 + 5 * 1) / 5
    ctx = AppContext()
    try:
        parent = ctx.attempts.get(question["attempt_id"])
    finally:
        ctx.close()
    assert parent.score is not None
    assert {c.id: c.score for c in parent.score.criteria} == {
        "constraints": 5, "architecture": 4, "trade-offs": 3, "failure-and-rollout": 5,
    }  # fmt: skip
    assert all(s["signal"] in SIGNALS and s["evidence"] for s in out["debrief"]["skills"])


def test_a_generated_probe_that_does_not_quote_the_answer_gives_way_to_the_banks(
    tmp_path: Path, server: OpenAIStubServer
) -> None:
    tech = ["constraints", "architecture", "trade-offs", "failure-and-rollout"]
    invented = {"quote": "we never test anything", "follow_up": 'You said "we never test anything". Why?'}
    server.script(
        json_reply(
            score_payload(tech, {"constraints": 5, "architecture": 2, "trade-offs": 4, "failure-and-rollout": 5})
        ),
        json_reply(invented),
        json_reply(score_payload(["architecture"], 3)),
    )
    typed = answers_file(tmp_path, NO_DESIGN, DESIGN)

    out = interview(
        "--format", "onsite", "--level", "senior", "--skills", "technical-aptitude", "--seed", "2",
        "--typed", str(typed), env=llm_env(server),
    )  # fmt: skip

    follow_up = out["turns"][1]
    assert follow_up["probe_source"] in {"bank", "rubric"} and follow_up["probes"] == ["architecture"]
    assert "never test" not in follow_up["question"]


def test_history_lists_the_interview_with_its_format_and_verdict(tmp_path: Path) -> None:
    typed = answers_file(tmp_path, NO_DESIGN, DESIGN)
    out = interview(
        "--format", "screen", "--level", "staff", "--seed", "5", "--typed", str(typed), "--scorer", "offline"
    )

    listed = tpm("history", "--json")
    text = tpm("history")

    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    verdict = out["debrief"]["verdict"]
    assert row["interview"] == {"format": "screen", "level": "staff", "verdict": verdict}
    assert row["title"] == f"Interview · screen · staff · {verdict.replace('_', ' ')}"
    assert f"[Interview · screen · staff · {verdict.replace('_', ' ')}]" in text.stdout


def test_the_interview_exports_with_its_debrief_and_follow_ups_under_their_question(tmp_path: Path) -> None:
    from tpm_coach.reports import load_report
    from tpm_coach.reports.html import render_html
    from tpm_coach.reports.markdown import render_markdown

    typed = answers_file(tmp_path, NO_DESIGN, DESIGN)
    out = interview(
        "--format", "onsite", "--level", "senior", "--skills", "technical-aptitude", "--seed", "4",
        "--typed", str(typed), "--scorer", "offline",
    )  # fmt: skip
    ctx = AppContext()
    try:
        report = load_report(ctx.sessions, ctx.attempts, out["session_id"])
    finally:
        ctx.close()

    assert [a.label for a in report.answers] == ["1", "1 · follow-up 1"]
    text = render_markdown(report)
    assert text.index("## Debrief") < text.index("## 1. ") < text.index("## 1 · follow-up 1. ")
    [skill] = out["debrief"]["skills"]
    signal = skill["signal"].replace("_", " ")
    assert f"### Technical aptitude: {signal}" in text
    html = render_html(report)
    assert "<h2>Debrief</h2>" in html and f"Technical aptitude: {signal}" in html
    assert all(quote.split(":")[0] in text for quote in skill["evidence"])
