"""Finishing answers an earlier run left unfinished: which ones qualify, and transcribing then scoring them."""

from __future__ import annotations

from pathlib import Path

from tests.support.practice_fakes import make_harness
from tpm_coach.domain import AttemptStatus, Transcript
from tpm_coach.errors import ScoringError
from tpm_coach.practice.recovery import finish_attempts, unfinished_attempt_ids


def test_unfinished_answers_are_found_and_finished(tmp_path: Path) -> None:
    h = make_harness(tmp_path)
    library = h.library
    session = h.sessions.create(["default"])
    question = library.questions()[0]
    competency = library.competency_for(question)

    wav = h.data_paths.audio / "a.wav"
    wav.write_bytes(b"RIFF")  # only its existence matters to the (fake) transcriber here
    with_audio = h.attempts.create(session, question, competency, audio_path=h.data_paths.relative(wav))
    h.attempts.set_recorded(with_audio, 12.0)
    transcribed = h.attempts.create(session, question, competency, answer_mode="typed")
    h.attempts.save_transcript(
        transcribed, Transcript(text=h.mic.text), h.controller.services.delivery_metrics(Transcript(text=h.mic.text))
    )
    missing_file = h.attempts.create(session, question, competency, audio_path="audio/gone.wav")
    h.attempts.set_recorded(missing_file, 5.0)
    never_opened = h.attempts.create(session, question, competency, audio_path="audio/x.wav")
    h.attempts.set_recorded(never_opened, 0.0, reason="the microphone could not be opened")

    ids = unfinished_attempt_ids(h.attempts, h.data_paths)
    assert ids == [with_audio, transcribed]

    outcome = finish_attempts(ids, h.attempts, h.data_paths, h.controller.services)
    assert outcome.finished == ids
    assert outcome.failed == {}
    for attempt_id in ids:
        assert h.attempts.get(attempt_id).status is AttemptStatus.SCORED
    assert h.attempts.get(with_audio).transcript is not None


def test_a_failure_is_reported_per_answer_and_the_rest_continue(tmp_path: Path) -> None:
    h = make_harness(tmp_path, score_failures=[ScoringError("the LLM is down")])
    session = h.sessions.create(["default"])
    question = h.library.questions()[0]
    competency = h.library.competency_for(question)
    ids = []
    for _ in range(2):
        attempt = h.attempts.create(session, question, competency, answer_mode="typed")
        h.attempts.save_transcript(
            attempt, Transcript(text=h.mic.text), h.controller.services.delivery_metrics(Transcript(text=h.mic.text))
        )
        ids.append(attempt)
    outcome = finish_attempts(ids, h.attempts, h.data_paths, h.controller.services)
    assert outcome.finished == [ids[1]]
    assert "the LLM is down" in outcome.failed[ids[0]]
    assert h.attempts.get(ids[0]).status is AttemptStatus.SCORING_FAILED
