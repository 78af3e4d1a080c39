"""The log file: rotating, in the platform log folder, and with secrets redacted from every record."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpm_coach import paths
from tpm_coach.logs import LOG_FILE_NAME, RedactingFilter, log_files, setup_logging, shutdown_logging, tail_lines
from tpm_coach.redact import REDACTED, Redactor, redact
from tpm_coach.secrets import set_api_key

KEYRING_KEY = "kr-9d8c7b6a5f4e3d2c1b0a"  # not sk- shaped: only exact-value redaction can catch it
ENV_KEY = "sk-proj-Env0123456789abcdefXYZ"
log = logging.getLogger("tpm_coach.tests.logs")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    shutdown_logging()
    root.setLevel(level)


def text_of_logs() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in log_files())


def test_log_file_is_in_the_platform_log_folder() -> None:
    target = setup_logging("INFO")
    assert target == paths.log_dir() / LOG_FILE_NAME
    log.info("hello %s", "world")
    log.debug("not at INFO")
    assert "hello world" in text_of_logs()
    assert "not at INFO" not in text_of_logs()


def test_known_keys_are_redacted_wherever_they_appear(monkeypatch: pytest.MonkeyPatch) -> None:
    set_api_key(KEYRING_KEY)  # storing (or reading) the key teaches the log's redactor its value
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    setup_logging("DEBUG")

    class Client:
        def __repr__(self) -> str:
            return f"Client(api_key={KEYRING_KEY!r})"

    log.info("key in the message " + KEYRING_KEY)
    log.info("key as an argument %s and %r", ENV_KEY, Client())
    log.warning("headers %s", {"Authorization": f"Bearer {KEYRING_KEY}"})
    try:
        raise RuntimeError(f"the server rejected {ENV_KEY}")
    except RuntimeError:
        log.exception("scoring failed")
    log.info("where did this come from", stack_info=True)  # sk-inStack-Source-0123456789

    text = text_of_logs()
    assert KEYRING_KEY not in text
    assert ENV_KEY not in text
    assert "sk-inStack-Source-0123456789" not in text  # the stack shows this very source line
    assert text.count(REDACTED) == 6
    assert "RuntimeError: the server rejected" in text  # the traceback is kept, minus the key
    assert "Stack (most recent call last)" in text


def test_a_record_with_a_broken_format_string_is_kept_and_redacted() -> None:
    """A logging bug (wrong placeholder) must neither lose the record nor print the key."""
    redactor = Redactor([KEYRING_KEY])
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "bad format %d", (KEYRING_KEY,), None)
    assert RedactingFilter(redactor).filter(record)
    assert record.getMessage() == "'bad format %d' % ('" + REDACTED + "',)"


def test_credential_shapes_are_redacted_even_when_unknown() -> None:
    setup_logging("INFO", redactor=Redactor())
    samples = {
        "Authorization: Bearer abc.def-123456789": "abc.def-123456789",
        "sent sk-live-ZZZ999888777666 to the server": "sk-live-ZZZ999888777666",
        "retrying with api_key=hunter2hunter2": "hunter2hunter2",
        "base url http://alice:pa55word@llm.local/v1": "pa55word",
        '{"password": "correct-horse"}': "correct-horse",
        "GET /v1/models?key=AIzaSyExample123": "AIzaSyExample123",
    }
    for message in samples:
        log.info(message)
    text = text_of_logs()
    for secret in samples.values():
        assert secret not in text
    assert "retrying with api_key=" + REDACTED in text
    assert "http://" + REDACTED + "@llm.local/v1" in text


def test_ordinary_text_is_not_mangled() -> None:
    text = "prompt_tokens: 321, max_tokens=400, 12 tokens; password reset link; secret sauce"
    assert redact(text) == text


def test_rotation_keeps_five_old_files_and_the_tail_reads_across_them() -> None:
    setup_logging("INFO", max_bytes=2_000)
    for i in range(400):
        log.info("line %04d %s", i, "x" * 60)
    files = log_files()
    assert [p.name for p in files] == [f"{LOG_FILE_NAME}.{i}" for i in (5, 4, 3, 2, 1)] + [LOG_FILE_NAME]
    assert all(p.stat().st_size <= 2_000 for p in files)
    tail = tail_lines(30)
    assert len(tail) == 30
    assert tail[-1].endswith("line 0399 " + "x" * 60)
    numbers = [int(line.split("line ")[1][:4]) for line in tail]
    assert numbers == list(range(370, 400))


def test_setting_up_twice_keeps_one_handler(tmp_path: Path) -> None:
    setup_logging("INFO")
    second = setup_logging("INFO", directory=tmp_path / "elsewhere")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "tpm_coach.file"]
    assert len(ours) == 1
    log.info("only here")
    assert second is not None
    assert "only here" in second.read_text()


def test_level_from_the_environment_and_an_unknown_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPM_COACH_LOG_LEVEL", "debug")
    setup_logging()
    assert logging.getLogger().level == logging.DEBUG
    monkeypatch.setenv("TPM_COACH_LOG_LEVEL", "chatty")
    setup_logging()
    assert logging.getLogger().level == logging.INFO
    assert "unknown log level 'chatty'" in text_of_logs()


def test_an_unwritable_log_folder_does_not_stop_the_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    assert setup_logging("INFO", directory=blocker / "logs") is None
    err = capsys.readouterr().err
    assert "cannot write the log file" in err
