"""A data folder with real contents (sessions, scored and failed attempts, recordings, a user bank) and
ways to compare two data folders: file bytes, and the database's rows independent of its page layout.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

from tests.support.banks import bank
from tests.support.domain import sample_competency, sample_question
from tpm_coach.banks import BankLibrary
from tpm_coach.domain import Bank, CriterionScore, DeliveryMetrics, Evidence, ScoreResult, Transcript, Word
from tpm_coach.paths import DataPaths
from tpm_coach.storage import AttemptRepository, Database, SessionRepository

TRANSCRIPT_MARKER = "zebra-quartz transcript marker"
FEEDBACK_MARKER = "plover-ember feedback marker"


@dataclass(frozen=True)
class Populated:
    session_ids: list[int]
    attempt_ids: list[int]
    audio_files: list[Path]
    bank_file: Path


def write_wav(path: Path, seconds: float, frequency: float = 440.0) -> None:
    """16 kHz mono 16-bit PCM, a sine tone: a real recording's format, small enough for tests."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = int(16000 * seconds)
    samples = (int(8000 * math.sin(2 * math.pi * frequency * i / 16000)) for i in range(frames))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))


def score(text_marker: str = FEEDBACK_MARKER) -> ScoreResult:
    return ScoreResult(
        overall=3.5,
        scale_min=1,
        scale_max=5,
        criteria=[
            CriterionScore(id="c1", score=4, rationale="clear", evidence=[Evidence(quote="We shipped it.", start=0)]),
            CriterionScore(id="c2", score=3, rationale="ok"),
        ],
        strengths=[text_marker],
        scorer="llm",
        model="m",
        prompt_version="score@test",
    )


def populate(data_paths: DataPaths, *, sessions: int = 2, spoken_per_session: int = 2) -> Populated:
    """Sessions with spoken (recorded, transcribed, scored) and typed (scoring failed) attempts."""
    data_paths.ensure()
    db = Database.open(data_paths.database)
    session_repo, attempt_repo = SessionRepository(db), AttemptRepository(db)
    question, competency = sample_question(), sample_competency()
    session_ids: list[int] = []
    attempt_ids: list[int] = []
    audio_files: list[Path] = []
    try:
        for s in range(sessions):
            session_id = session_repo.create(["default", "acme"], title=f"session {s}")
            session_ids.append(session_id)
            for a in range(spoken_per_session):
                wav = data_paths.audio / f"session-{session_id}" / f"attempt-{a}.wav"
                write_wav(wav, 0.25 + 0.05 * a, 220.0 * (a + 1))
                audio_files.append(wav)
                attempt_id = attempt_repo.create(session_id, question, competency, audio_path=data_paths.relative(wav))
                attempt_repo.set_recorded(attempt_id, 0.25 + 0.05 * a)
                transcript = Transcript(
                    text=f"We shipped it. {TRANSCRIPT_MARKER} {a}",
                    words=[Word(word="We", start=0.0, end=0.2)],
                    engine="faster-whisper",
                )
                attempt_repo.save_transcript(attempt_id, transcript, DeliveryMetrics(word_count=5))
                attempt_repo.save_score(attempt_id, score())
                attempt_ids.append(attempt_id)
            typed = attempt_repo.create(session_id, question, competency, answer_mode="typed")
            attempt_repo.save_transcript(typed, Transcript(text=f"typed {TRANSCRIPT_MARKER}"), DeliveryMetrics())
            attempt_repo.mark_scoring_failed(typed, "the LLM server was unreachable")
            attempt_ids.append(typed)
            session_repo.end(session_id)
    finally:
        db.close()
    library = BankLibrary(data_paths.banks, ["default"])
    bank_file = library.save(Bank.model_validate(bank("acme", n_questions=3)))
    return Populated(session_ids, attempt_ids, audio_files, bank_file)


def file_digests(root: Path) -> dict[str, str]:
    """Every file under `root` (relative POSIX path -> sha256); links are recorded as such."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[name] = "link -> " + str(path.readlink())
        elif path.is_file():
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            out[name + "/"] = "dir"
    return out


def database_rows(path: Path) -> list[str]:
    """The database as SQL statements: equal for equal contents, whatever the pages or journal mode."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def data_snapshot(data_paths: DataPaths) -> tuple[list[str], dict[str, str]]:
    """The rows of the database and the bytes of every recording and bank file."""
    files = {
        k: v
        for k, v in file_digests(data_paths.root).items()
        if k.startswith(("audio/", "banks/")) and not k.endswith("/")
    }
    return database_rows(data_paths.database), files
