"""The API key lives only in the keyring or the environment: it is in no file the app writes or prints.

The real command line runs as a child process with a key in a (file-backed, fake) keyring and a
different key in OPENAI_API_KEY, while the "desktop app" (this test) holds the database open so a -wal
file exists. Then every byte the app wrote is searched: settings, database and -wal, recordings,
banks, logs, exports, the backup archive, the doctor output and its bug report (zips unpacked).
The same search follows a server that repeats the key in its refusal, through the scoring service,
the command line, the desktop app's log, report exports and a backup.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.support.app_data import populate
from tests.support.domain import sample_competency, sample_question
from tests.support.openai_server import OpenAIStubServer, repeats_the_key
from tests.support.secrets import assert_secret_absent, files_searched
from tpm_coach.config import LlmProvider, LlmSettings, Settings, load_settings, save_settings
from tpm_coach.domain import AttemptStatus, DeliveryMetrics, Transcript
from tpm_coach.errors import ScoringError
from tpm_coach.logs import shutdown_logging
from tpm_coach.reports import ReportFormat, load_report, write_text_report
from tpm_coach.scoring import ScoringService, scorer_factory
from tpm_coach.secrets import KEYRING_SERVICE, KEYRING_USER, set_api_key
from tpm_coach.storage import AttemptRepository, Database, SessionRepository

# Not "sk-" shaped, so only exact-value redaction (the key read from the keyring) can hide it.
KEYRING_KEY = "kr-Leak-7c1e9a3b5d2f4068aa"
ENV_KEY = "sk-proj-LeakEnv-0b4f2d6a8c1e3579"
# Echoed back by the server; not credential-shaped, so only knowing the value can hide it.
ECHOED_KEY = "gw-Echoed-4d2b9f7e1c3a5806"
ANSWER = (
    "I would map who depends on the change, ship it behind a flag to a small group first, and rehearse the "
    "rollback before the launch so we can undo it within minutes."
)

LEAKY_LOGGING = textwrap.dedent(
    """
    import logging, os
    from tpm_coach.logs import setup_logging
    from tpm_coach.secrets import get_api_key
    setup_logging("DEBUG")
    log = logging.getLogger("tpm_coach.scoring.llm")
    keyring_key = get_api_key(environ={})
    env_key = os.environ["OPENAI_API_KEY"]
    log.debug("client built with api_key=%s", keyring_key)
    log.info("POST /v1/chat/completions headers=%r", {"Authorization": "Bearer " + env_key})
    log.warning("retrying: %s", keyring_key)
    try:
        raise ConnectionError("401 Unauthorized for key " + keyring_key)
    except ConnectionError:
        log.exception("scoring failed; the key %s was rejected", env_key)
    log.info("leaky logging done")
    """
)


def run(args: list[str], out: Path, label: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    (out / f"{label}.stdout").write_text(result.stdout)
    (out / f"{label}.stderr").write_text(result.stderr)
    return result


@pytest.fixture
def keys_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyring key for child processes (file-backed fake) and this one (in-memory fake), and the env key."""
    keyring_file = tmp_path / "fake-keyring" / "keyring.json"  # outside the app's folders on purpose
    keyring_file.parent.mkdir()
    keyring_file.write_text(json.dumps({f"{KEYRING_SERVICE}/{KEYRING_USER}": KEYRING_KEY}))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.file_keyring.FileKeyring")
    monkeypatch.setenv("TESTS_KEYRING_FILE", str(keyring_file))
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    set_api_key(KEYRING_KEY)


@pytest.mark.usefixtures("keys_everywhere")
def test_no_key_in_anything_the_app_writes_or_prints(tmp_path: Path) -> None:
    app_home = Path(os.environ["TPM_COACH_DATA_DIR"]).parent
    out = tmp_path / "out"
    out.mkdir()
    with OpenAIStubServer() as server:
        save_settings(
            Settings(llm=LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="stub-model"))
        )
        data_paths = load_settings().data_paths()
        populate(data_paths)
        app_db = Database.open(data_paths.database)  # the desktop app, still running
        SessionRepository(app_db).create(["default"], title="in the wal")
        try:
            cli = ["-m", "tpm_coach"]
            commands = {
                "bank-export": [*cli, "bank", "export", "--format", "json", "-o", str(out / "banks.json")],
                "bank-list": [*cli, "bank", "list", "--json"],
                "history": [*cli, "history", "--json"],
                "doctor": [*cli, "doctor"],
                "doctor-json": [*cli, "doctor", "--json"],
                "doctor-report": [*cli, "doctor", "--report", str(out / "report.zip")],
                "backup": [*cli, "backup", "-o", str(out / "backup.zip")],
                "restore-check": [*cli, "restore", "--check", str(out / "backup.zip")],
            }
            results = {label: run(args, out, label) for label, args in commands.items()}
            logging_child = run(["-c", LEAKY_LOGGING], out, "leaky-logging")
            wal = data_paths.database.with_name(data_paths.database.name + "-wal")
            assert wal.exists()
            assert wal.stat().st_size > 0
            searched_paths = [app_home, out]
            for secret in (KEYRING_KEY, ENV_KEY):
                assert_secret_absent(searched_paths, secret)
            searched = {p.relative_to(tmp_path).as_posix() for p in files_searched(searched_paths)}
        finally:
            app_db.close()

    for label, result in results.items():
        assert result.returncode in (0, 1), f"{label}: {result.stderr}"
    assert logging_child.returncode == 0, logging_child.stderr
    # The commands really ran with the key at hand, and the files searched are the ones that matter.
    assert "API key set" in results["doctor"].stdout
    expected = {
        "app/config/config.toml",
        "app/data/tpm_coach.sqlite3",
        "app/data/tpm_coach.sqlite3-wal",
        "app/data/banks/acme.yaml",
        "app/logs/tpm_coach.log",
        "out/banks.json",
        "out/backup.zip",
        "out/report.zip",
        "out/doctor.stdout",
        "out/doctor-report.stderr",
        "out/leaky-logging.stderr",
    }
    assert expected <= searched
    log_text = (app_home / "logs" / "tpm_coach.log").read_text()
    assert "leaky logging done" in log_text
    assert log_text.count("[REDACTED]") == 5
    assert "backup written to" in log_text


def _zip_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        ENV_KEY.encode(),
        b"prefix " + ENV_KEY.encode("utf-16-le") + b" suffix",
        _zip_with("deflated.txt", b"x" * 1000 + ENV_KEY.encode() + b"y" * 1000),
        _zip_with("outer/inner.zip", _zip_with("inner.txt", ENV_KEY.encode())),
    ],
    ids=["plain", "utf-16", "deflated-zip-member", "nested-zip"],
)
def test_the_search_finds_a_planted_key(tmp_path: Path, content: bytes) -> None:
    """The helper must be able to fail, including where raw bytes would not show the key."""
    (tmp_path / "nested" / "folder").mkdir(parents=True)
    planted = tmp_path / "nested" / "folder" / "file.bin"
    planted.write_bytes(content)
    with pytest.raises(AssertionError, match=r"file\.bin"):
        assert_secret_absent([tmp_path], ENV_KEY)


def test_a_key_the_server_repeats_is_in_nothing_the_app_keeps_or_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tpm_coach.ui.app import setup_logging  # the desktop app's own logging set-up

    monkeypatch.setenv("OPENAI_API_KEY", ECHOED_KEY)
    app_home = Path(os.environ["TPM_COACH_DATA_DIR"]).parent
    out = tmp_path / "out"
    out.mkdir()
    with OpenAIStubServer(default=repeats_the_key()) as server:
        llm = LlmSettings(provider=LlmProvider.CUSTOM, base_url=server.base_url, model="stub-model", max_retries=0)
        save_settings(Settings(llm=llm))
        data_paths = load_settings().data_paths().ensure()
        setup_logging()
        db = Database.open(data_paths.database)
        try:
            session_id = SessionRepository(db).create(["default"], title="refused key")
            attempts = AttemptRepository(db)
            attempt_id = attempts.create(session_id, sample_question(), sample_competency(), answer_mode="typed")
            attempts.save_transcript(attempt_id, Transcript(text=ANSWER, engine="typed"), DeliveryMetrics())
            service = ScoringService(attempts, scorer_factory(lambda: load_settings().llm))
            with pytest.raises(ScoringError) as caught:
                service.score_attempt(attempt_id, scorer="llm")
            # What the desktop app does with a failure: the message bar shows it, a worker logs it.
            shown = str(caught.value)
            logging.getLogger("tpm_coach.ui.workers").error("scoring failed: %s", shown, exc_info=caught.value)
            record = attempts.get(attempt_id)
            sessions = SessionRepository(db)
            for fmt in (ReportFormat.MARKDOWN, ReportFormat.HTML):
                report = load_report(sessions, attempts, session_id)
                write_text_report(report, out / f"report.{fmt.value}", fmt)
        finally:
            db.close()
            shutdown_logging()
        cli = ["-m", "tpm_coach"]
        strong = REPO_ROOT / "tests" / "data" / "transcripts" / "tech-001-strong.txt"
        score = run([*cli, "score", "--question", "tech-001", "--transcript-file", str(strong)], out, "score")
        backup = run([*cli, "backup", "-o", str(out / "backup.zip")], out, "backup")
        bug_report = run([*cli, "doctor", "--report", str(out / "bug-report.zip")], out, "doctor-report")

    # The key really went to the server and came back in its refusal, on both paths.
    assert [r.headers["authorization"] for r in server.requests] == [f"Bearer {ECHOED_KEY}"] * 2
    assert "refused the API key (HTTP 401)" in shown
    assert record.status is AttemptStatus.SCORING_FAILED
    assert "refused the API key" in record.status_reason
    assert "refused the API key" in (out / "report.html").read_text(encoding="utf-8")
    assert score.returncode == 2
    assert "refused the API key" in score.stderr
    assert backup.returncode == 0, backup.stderr
    assert bug_report.returncode in (0, 1), bug_report.stderr
    assert "scoring failed" in (app_home / "logs" / "tpm_coach.log").read_text(encoding="utf-8")
    assert_secret_absent([app_home, out], ECHOED_KEY)
    searched = {p.relative_to(tmp_path).as_posix() for p in files_searched([app_home, out])}
    assert {
        "app/config/config.toml",
        "app/data/tpm_coach.sqlite3",
        "app/logs/tpm_coach.log",
        "out/report.md",
        "out/report.html",
        "out/backup.zip",
        "out/bug-report.zip",
        "out/score.stdout",
        "out/score.stderr",
    } <= searched
