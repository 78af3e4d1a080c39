"""The bug-report bundle of `tpm-coach doctor --report FILE`: diagnostics a maintainer needs, nothing private.

Included: the doctor checks, versions, settings, the database's health and row counts, file counts and
the end of the log. Left out (and listed as such in the report): the API key, transcripts, feedback,
audio and bank contents. Every text goes through the redactor, and the home folder is shown as `~`.
"""

from __future__ import annotations

import io
import json
import os
import platform
import sqlite3
import sys
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tpm_coach import __version__, paths
from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.config import Settings
from tpm_coach.diagnostics import Check, package_versions
from tpm_coach.errors import StorageError
from tpm_coach.logs import tail_lines
from tpm_coach.maintenance.backup import list_backups
from tpm_coach.maintenance.health import check_database
from tpm_coach.maintenance.restore import kept_folders
from tpm_coach.paths import DataPaths
from tpm_coach.redact import REDACTED, redact
from tpm_coach.storage import SCHEMA_VERSION

DEFAULT_LOG_LINES = 500

LEFT_OUT = (
    "the LLM API key, and anything else that looks like a credential (shown as " + REDACTED + ")",
    "transcripts, typed answers and feedback text (only counts are included)",
    "audio recordings (only how many there are and their total size)",
    "the contents of your question banks (only file names and sizes)",
    "the path of your home folder (shown as ~)",
)

_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
_ENV_PREFIXES = ("TPM_COACH_", "OPENAI_", "QT_", "PULSE_", "HF_", "CT2_", "OMP_")


def api_key_values(environ: dict[str, str] | None = None) -> list[str]:
    """Every API key value the app could use (environment and keyring), for exact-value redaction."""
    from tpm_coach.secrets import get_api_key

    env = dict(os.environ if environ is None else environ)
    values = [env.get("OPENAI_API_KEY") or ""]
    try:
        values.append(get_api_key(environ={}) or "")
    except Exception:  # a broken keyring backend: the key cannot leak from where it cannot be read
        values.append("")
    return [v for v in values if v]


def build_report(
    checks: list[Check],
    settings: Settings | None,
    settings_error: str | None = None,
    *,
    log_lines: int = DEFAULT_LOG_LINES,
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything in the report as plain data (not yet redacted: `write_report` does that last)."""
    env = dict(os.environ if environ is None else environ)
    data_paths = (settings or Settings()).data_paths()
    config_path = paths.config_file()
    keys = api_key_values(env)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app_version": __version__,
        "python": f"{platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "packages": package_versions(),
        "checks": [asdict(c) for c in checks],
        "settings": {
            "file": str(config_path),
            "file_text": config_path.read_text(encoding="utf-8", errors="replace") if config_path.is_file() else None,
            "loaded": settings.model_dump(mode="json") if settings is not None else None,
            "error": settings_error,
            "api_key": "set in the environment"
            if env.get("OPENAI_API_KEY")
            else ("set in the OS keyring" if keys else "not set"),
        },
        "environment": _environment(env),
        "database": _database(data_paths.database, data_paths),
        "data": _data_files(data_paths.root),
        "backups": [
            {
                "file": str(b.path),
                "size_bytes": b.size_bytes,
                "created_at": b.manifest.created_at if b.manifest else None,
                "schema_version": b.manifest.schema_version if b.manifest else None,
                "problem": b.problem,
            }
            for b in list_backups(data_paths)
        ],
        "kept_folders": [str(p) for p in kept_folders(data_paths)],
        "log_tail": tail_lines(log_lines),
        "left_out": list(LEFT_OUT),
    }


def _environment(env: dict[str, str]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for name in sorted(env):
        if not name.startswith(_ENV_PREFIXES):
            continue
        secret = any(word in name.upper() for word in _SECRET_WORDS)
        shown[name] = "(set; value left out)" if secret else env[name]
    return shown


def _database(path: Path, data_paths: DataPaths) -> dict[str, Any]:
    health = check_database(data_paths)
    summary: dict[str, Any] = {
        "file": str(path),
        "state": health.state.value,
        "size_bytes": path.stat().st_size if path.exists() else None,
        "wal_bytes": _size(path.with_name(path.name + "-wal")),
        "schema_version": health.schema_version,
        "app_schema_version": SCHEMA_VERSION,
        "quick_check": "ok" if not health.problems else health.problems,
    }
    if path.exists() and health.usable:
        summary["counts"] = _counts(path)
    return summary


def _size(path: Path) -> int | None:
    return path.stat().st_size if path.exists() else None


def _counts(path: Path) -> dict[str, Any]:
    """Row counts only; no text column is read."""
    queries = {
        "sessions": "SELECT 'all', COUNT(*) FROM sessions",
        "attempts_by_status": "SELECT status, COUNT(*) FROM attempts GROUP BY status",
        "attempts_by_answer_mode": "SELECT answer_mode, COUNT(*) FROM attempts GROUP BY answer_mode",
        "current_scores_by_scorer": "SELECT scorer, COUNT(*) FROM scores WHERE is_current = 1 GROUP BY scorer",
        "transcripts": "SELECT 'all', COUNT(*) FROM transcripts",
    }
    counts: dict[str, Any] = {}
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return {"error": str(exc)}
    try:
        for label, sql in queries.items():
            try:
                rows = {str(k): int(v) for k, v in conn.execute(sql).fetchall()}
            except sqlite3.Error as exc:
                counts[label] = f"unavailable ({exc})"
                continue
            counts[label] = rows.get("all", 0) if "'all'" in sql else rows
    finally:
        conn.close()
    return counts


def _data_files(root: Path) -> dict[str, Any]:
    audio = [p for p in (root / "audio").rglob("*") if p.is_file()] if (root / "audio").is_dir() else []
    banks = sorted(p for p in (root / "banks").iterdir() if p.is_file()) if (root / "banks").is_dir() else []
    return {
        "root": str(root),
        "audio_files": len(audio),
        "audio_bytes": sum(p.stat().st_size for p in audio),
        "bank_files": {p.name: p.stat().st_size for p in banks},
    }


def render_text(report: dict[str, Any]) -> str:
    """The human-readable summary (report.txt)."""
    out = [
        f"tpm_coach bug report, generated {report['generated_at']}",
        f"tpm_coach {report['app_version']}, Python {report['python']}, {report['platform']}",
        "",
        "Checks:",
    ]
    out += [f"  [{c['status']:<4}] {c['name']:<14} {c['detail']}" for c in report["checks"]]
    settings = report["settings"]
    out += ["", f"Settings file: {settings['file']}"]
    if settings["error"]:
        out.append(f"  error: {settings['error']}")
    text = settings["file_text"]
    out += ["  " + line for line in text.splitlines()] if text else ["  (no settings file: defaults are used)"]
    out.append(f"  API key: {settings['api_key']}")
    out += ["", "Database:"] + [f"  {k}: {v}" for k, v in report["database"].items()]
    out += ["", "Data folder:"] + [f"  {k}: {v}" for k, v in report["data"].items()]
    out += ["", f"Backups found: {len(report['backups'])}"]
    out += [f"  {b['file']} ({b['created_at'] or b['problem']})" for b in report["backups"]]
    out += ["", "Packages:"] + [f"  {k}: {v or 'not installed'}" for k, v in report["packages"].items()]
    out += ["", "Environment:"] + [f"  {k}={v}" for k, v in report["environment"].items()]
    out += ["", "Left out of this report, for your privacy:"] + [f"  - {item}" for item in report["left_out"]]
    out += ["", f"The last {len(report['log_tail'])} log lines are in log-tail.txt.", ""]
    return "\n".join(out)


def scrub(text: str, secrets: list[str]) -> str:
    """Redact secrets and show the home folder as ~."""
    text = redact(text, secrets)
    home = str(Path.home())
    if len(home) > 1:
        text = text.replace(home, "~")
    return text


def _scrub_data(value: Any, secrets: list[str]) -> Any:
    # Redacting values before JSON encoding catches a secret even where encoding would escape it.
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {scrub(str(k), secrets): _scrub_data(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_data(v, secrets) for v in value]
    return value


def write_report(path: Path, report: dict[str, Any], *, environ: dict[str, str] | None = None) -> None:
    """A zip with report.txt, report.json and log-tail.txt, written atomically, every file scrubbed."""
    secrets = api_key_values(environ)
    clean: dict[str, Any] = _scrub_data(report, secrets)
    members = {
        "report.txt": render_text(clean),
        "report.json": json.dumps({k: v for k, v in clean.items() if k != "log_tail"}, indent=2),
        "log-tail.txt": "\n".join(clean["log_tail"]) + "\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, text in members.items():
            bundle.writestr(name, scrub(text, secrets))
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        raise StorageError(
            f"could not write the report {path}: {exc.strerror or exc}", "choose another place for --report"
        ) from exc
