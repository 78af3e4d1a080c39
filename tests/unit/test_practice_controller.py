"""The practice state machine, step by step: real banks, SQLite and offline scorer; fake microphone."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from tests.support.practice_fakes import Harness, make_harness, phases, problems, start
from tpm_coach.domain import AttemptStatus
from tpm_coach.errors import AudioDeviceError, ScoringError, TranscriptionError
from tpm_coach.practice import (
    Action,
    LiveTextChanged,
    Phase,
    PhaseChanged,
    PracticeSnapshot,
    SessionOptions,
)
from tpm_coach.practice.turn import TurnKind


def snapshots(h: Harness) -> list[PracticeSnapshot]:
    return [e.snapshot for e in h.events if isinstance(e, PhaseChanged)]


def test_a_spoken_answer_goes_from_question_to_feedback(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    assert h.controller.phase is Phase.QUESTION
    assert h.controller.snapshot().position == (1, 2)

    seen_rows = []
    h.mic.before_start = lambda rec: seen_rows.append(h.attempts.list_for_session(h.controller.session_id or 0))
    h.controller.toggle_recording()
    assert h.controller.phase is Phase.STARTING
    h.runner.drain()
    assert h.controller.phase is Phase.RECORDING
    # The attempt row existed, status `recording` with its audio path, before the stream started.
    (row,) = seen_rows[0]
    assert row.id == h.controller.attempt_id
    assert row.status is AttemptStatus.RECORDING
    assert row.audio_path is not None
    assert h.data_paths.absolute(row.audio_path) == h.mic.recordings[0].wav_path
    live = [e.text for e in h.events if isinstance(e, LiveTextChanged) and e.text]
    assert live, "the transcript appears while the candidate speaks"

    h.controller.toggle_recording()
    assert h.controller.phase is Phase.TRANSCRIBING
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert phases(h)[-3:] == [Phase.TRANSCRIBING, Phase.SCORING, Phase.FEEDBACK]
    record = h.controller.record
    assert record is not None
    assert record.status is AttemptStatus.SCORED
    assert record.score is not None
    assert record.score.scorer == "offline"
    assert record.duration_s == pytest.approx(3.0)
    assert record.transcript is not None
    assert record.transcript.text == h.mic.text
    assert h.data_paths.absolute(record.audio_path or "").is_file()


def test_next_then_finish_builds_the_summary(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    for _ in range(2):
        h.controller.submit_typed(h.mic.text)
        h.runner.drain()
        assert h.controller.phase is Phase.FEEDBACK
        h.controller.next_question()
        h.runner.drain()
    assert h.controller.phase is Phase.SUMMARY
    report = h.controller.report
    assert report is not None
    assert report.answered == 2
    assert report.scored == 2
    assert report.skills
    assert 1 <= len(report.focus) <= 3
    assert snapshots(h)[-1].report is report
    summaries = h.sessions.list_summaries()
    assert summaries[0].ended_at is not None


def test_thinking_countdown_starts_recording_when_it_ends(tmp_path: Path) -> None:
    h = make_harness(tmp_path, thinking_seconds=30)
    start(h)
    assert h.controller.phase is Phase.THINKING
    assert h.controller.thinking_remaining() == pytest.approx(30)
    h.clock[0] += 29
    h.controller.tick()
    assert h.controller.phase is Phase.THINKING
    h.clock[0] += 1.5
    h.controller.tick()
    assert h.controller.phase is Phase.STARTING
    h.runner.drain()
    assert h.controller.phase is Phase.RECORDING


def test_space_during_thinking_starts_at_once(tmp_path: Path) -> None:
    h = make_harness(tmp_path, thinking_seconds=30)
    start(h)
    h.controller.toggle_recording()
    h.runner.drain()
    assert h.controller.phase is Phase.RECORDING


def test_a_recorder_that_stops_at_the_time_limit_moves_on(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    recording = h.mic.recordings[0]
    assert recording.time_limit_s == h.controller.snapshot().time_limit_s
    recording.is_recording = False  # what the real recorder does at its time limit
    h.controller.tick()
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK


def test_typed_answer_is_scored_without_a_microphone(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    h.mic.missing = AudioDeviceError("no microphone found")
    start(h)
    h.controller.submit_typed("   ")
    assert h.controller.phase is Phase.QUESTION  # nothing to submit
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    record = h.controller.record
    assert record is not None
    assert record.answer_mode == "typed"
    assert record.audio_path is None
    assert record.status is AttemptStatus.SCORED


def test_no_microphone_offers_typing_and_settings_and_creates_no_attempt(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    h.mic.missing = AudioDeviceError("no microphone found", "connect one")
    start(h)
    h.controller.toggle_recording()
    h.runner.drain()
    assert h.controller.phase is Phase.QUESTION
    (raised,) = problems(h)
    assert raised.problem.actions == (Action.TYPE_ANSWER, Action.AUDIO_SETTINGS)
    assert raised.problem.text == "No microphone found — type your answer instead, or pick a device in Settings"
    assert h.controller.session_id is not None
    assert h.attempts.list_for_session(h.controller.session_id) == []


def test_a_stream_that_cannot_open_keeps_no_half_attempt(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    h.mic.fail_start = AudioDeviceError("cannot open the microphone 'x'")
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    assert h.controller.phase is Phase.QUESTION
    assert h.mic.live[0].cancelled
    (attempt,) = h.attempts.list_for_session(h.controller.session_id or 0)
    assert attempt.status is AttemptStatus.RECORDED
    assert "could not be opened" in attempt.status_reason


def test_scoring_failure_keeps_everything_and_retry_scores(tmp_path: Path) -> None:
    h = make_harness(tmp_path, score_failures=[ScoringError("the LLM is down", "try later")])
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    h.controller.stop_recording()
    h.runner.drain()
    assert h.controller.phase is Phase.SCORING_FAILED
    record = h.controller.record
    assert record is not None
    assert record.status is AttemptStatus.SCORING_FAILED
    assert record.transcript is not None
    assert h.data_paths.absolute(record.audio_path or "").is_file()
    raised = problems(h)[-1].problem
    assert raised.actions == (Action.RETRY_SCORING, Action.SCORE_OFFLINE, Action.LLM_SETTINGS)
    assert snapshots(h)[-1].problem is raised
    assert snapshots(h)[-1].record == record
    h.controller.retry()
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert h.scores == ["auto", "auto"]
    assert h.attempts.get(record.id).status is AttemptStatus.SCORED


def test_score_offline_after_a_failure(tmp_path: Path) -> None:
    h = make_harness(tmp_path, score_failures=[ScoringError("the LLM is down")])
    start(h)
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    h.controller.score_offline()
    h.runner.drain()
    assert h.scores == ["auto", "offline"]
    assert h.controller.phase is Phase.FEEDBACK


def test_transcription_failure_keeps_audio_and_retry_uses_the_file(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    h.mic.fail_finish = TranscriptionError("the model crashed")
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    h.controller.stop_recording()
    h.runner.drain()
    assert h.controller.phase is Phase.TRANSCRIPTION_FAILED
    assert problems(h)[-1].problem.actions == (Action.RETRY_TRANSCRIPTION,)
    attempt = h.attempts.get(h.controller.attempt_id or 0)
    assert attempt.status is AttemptStatus.RECORDED
    assert h.data_paths.absolute(attempt.audio_path or "").is_file()
    h.controller.retry()
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK


def test_a_device_failure_mid_answer_keeps_the_part_recorded(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    h.mic.device_error = AudioDeviceError("the microphone stopped delivering audio after 3.0 s")
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    h.mic.recordings[0].on_error(h.mic.device_error)  # the recorder's watchdog reports it
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    assert "stopped delivering audio" in problems(h)[0].problem.text
    record = h.controller.record
    assert record is not None
    assert record.duration_s == pytest.approx(3.0)


def test_follow_up_and_retry_turns_link_to_the_earlier_answer(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    first = h.controller.attempt_id
    follow_up = h.controller.snapshot().follow_up
    assert follow_up
    h.controller.answer_follow_up()
    turn = h.controller.turn
    assert turn is not None
    assert turn.kind is TurnKind.FOLLOW_UP
    assert turn.question.text == follow_up
    assert turn.parent_attempt_id == first
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    assert h.controller.phase is Phase.FEEDBACK
    stored = h.attempts.get(h.controller.attempt_id or 0)
    assert stored.parent_attempt_id == first
    assert stored.question.text == follow_up

    h.controller.retry_question()
    assert h.controller.turn is not None
    assert h.controller.turn.kind is TurnKind.RETRY
    h.controller.submit_typed(h.mic.text + " I would also add a rollback drill.")
    h.runner.drain()
    compared = h.controller.snapshot().comparable
    assert len(compared) == 2
    assert compared[1].parent_attempt_id == compared[0].id


def test_results_arriving_after_close_are_ignored(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.submit_typed(h.mic.text)
    assert h.controller.phase is Phase.SCORING
    h.controller.close()
    h.runner.drain()  # the scoring job still runs, its callback must not resurrect the session
    assert h.controller.phase is Phase.IDLE
    assert h.sessions.list_summaries()[0].ended_at is not None


def test_close_while_recording_saves_the_recording(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    attempt_id = h.controller.attempt_id or 0
    h.controller.close()
    assert h.mic.recordings[0].stopped
    assert h.mic.live[0].cancelled
    attempt = h.attempts.get(attempt_id)
    assert attempt.status is AttemptStatus.RECORDED
    assert attempt.duration_s == pytest.approx(3.0)


def test_planning_errors_are_reported_and_leave_the_controller_idle(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    h.controller.prepare(SessionOptions(competencies=("no-such-skill",)))
    h.runner.drain()
    assert h.controller.phase is Phase.IDLE
    assert "no questions match" in problems(h)[0].problem.text.lower()


def test_a_transcriber_that_cannot_start_records_nothing(tmp_path: Path) -> None:
    from dataclasses import replace

    h = make_harness(tmp_path)

    def broken(_on_update: object) -> None:
        raise TranscriptionError("remote transcription is chosen but no server address is set")

    h.controller.services = replace(h.controller.services, new_live_transcriber=broken)
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    assert h.controller.phase is Phase.QUESTION
    assert problems(h)[-1].problem.actions == (Action.TYPE_ANSWER,)
    assert h.attempts.list_for_session(h.controller.session_id or 0) == []


def test_after_stop_the_controller_reads_nothing_until_feedback(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.start_recording()
    h.runner.drain()
    statements: list[str] = []
    h.db.conn.set_trace_callback(statements.append)  # the connection the controller's thread holds
    jobs_before = h.runner.submitted
    h.controller.stop_recording()
    h.runner.drain()
    h.db.conn.set_trace_callback(None)
    assert h.controller.phase is Phase.FEEDBACK
    assert statements == []
    # Stop, the transcript's tail, then scoring that hands back the stored answer: three trips, no more.
    assert h.runner.submitted - jobs_before == 3
    record = snapshots(h)[-1].record
    assert record is not None
    assert record.status is AttemptStatus.SCORED
    assert record == h.attempts.get(record.id)


def test_a_typed_answer_is_stored_scored_and_read_back_in_one_trip(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    statements: list[str] = []
    h.db.conn.set_trace_callback(statements.append)
    jobs_before = h.runner.submitted
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    h.db.conn.set_trace_callback(None)
    assert h.controller.phase is Phase.FEEDBACK
    assert statements == []
    assert h.runner.submitted - jobs_before == 1
    record = snapshots(h)[-1].record
    assert record is not None
    assert record == h.attempts.get(record.id)
    assert record.transcript is not None and record.transcript.text == h.mic.text
    assert record.metrics is not None and record.metrics.word_count == len(h.mic.text.split())


def test_each_phase_change_carries_a_snapshot_that_later_changes_leave_alone(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    start(h)
    h.controller.submit_typed(h.mic.text)
    h.runner.drain()
    feedback = snapshots(h)[-1]
    assert feedback.phase is Phase.FEEDBACK
    assert feedback.session_id == h.controller.session_id
    assert feedback.position == (1, 2)
    assert not feedback.is_last_question
    assert feedback.record is not None and feedback.record.status is AttemptStatus.SCORED
    assert feedback.follow_up
    assert [r.id for r in feedback.comparable] == [feedback.record.id]

    h.controller.next_question()
    question = snapshots(h)[-1]
    assert question.phase is Phase.QUESTION
    assert question.position == (2, 2)
    assert question.is_last_question
    assert question.record is None and question.follow_up is None and question.comparable == ()
    assert feedback.record is not None and feedback.phase is Phase.FEEDBACK  # the earlier one is as it was
    with pytest.raises(FrozenInstanceError):
        feedback.phase = Phase.IDLE  # type: ignore[misc]
