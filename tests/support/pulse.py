"""A private PulseAudio server with a virtual microphone: the one launcher for the tests and the benches.

The server runs in a folder of its own with a null sink `vsink` (16 kHz mono) and a source `vmic`
remapped from its monitor: whatever `paplay --device=vsink` plays, a recorder on `vmic` hears.
`start_pulse` returns only once the server answers and `vmic` has delivered audio, so the first
recording of a test does not pay the server's warm-up.

PortAudio reads the device list once, when it initialises (on `import sounddevice`), and the ALSA
`pulse` device finds the server through PULSE_SERVER when a stream opens. So the test process sets
PULSE_SERVER / PULSE_SOURCE *before* importing sounddevice (`start_pulse(..., export=True)`) and,
if sounddevice was already imported, re-initialises PortAudio. Tests that kill a server or a
recorder run the recorder in a child process (`child_record_main`) with the server's environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.support import REPO_ROOT
from tests.support.server_marks import require_mark

# Nothing reaches `vmic` before the null sink runs, ~2 s after the first client connects; seen well under this.
WARM_UP_S = 10.0


def have_pulseaudio() -> bool:
    return all(shutil.which(tool) for tool in ("pulseaudio", "paplay", "pactl", "parec"))


@dataclass
class PulseServer:
    folder: Path
    process: subprocess.Popen[bytes]
    exported: dict[str, str | None] = field(default_factory=dict)

    @property
    def socket(self) -> Path:
        return self.folder / "native"

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs to record from `vmic` on this server."""
        return {"PULSE_SERVER": f"unix:{self.socket}", "PULSE_SOURCE": "vmic", "PULSE_SINK": "vsink"}

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        return env

    def play(self, wav: Path) -> subprocess.Popen[bytes]:
        """Start playing a WAV file into the virtual sink (the microphone hears it in real time)."""
        return subprocess.Popen(
            ["paplay", "--device=vsink", str(wav)],
            env=self.client_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def play_and_wait(self, wav: Path, timeout: float = 120.0) -> None:
        if self.play(wav).wait(timeout=timeout) != 0:
            raise RuntimeError(f"paplay could not play {wav}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the server: clients get no goodbye, as when an audio server crashes."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        if not self.exported:
            return
        for name, previous in self.exported.items():
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous
        self.exported.clear()
        _rescan_devices()


def start_pulse(folder: Path, *, export: bool = False, timeout: float = 15.0) -> PulseServer:
    """Start a private server in `folder`; with `export`, set its variables in this process's environment."""
    require_mark("audio", "a PulseAudio server")
    folder.mkdir(parents=True, exist_ok=True)
    # Keep the daemon away from the user's own PulseAudio config, cookie and runtime folders.
    daemon_env = dict(
        os.environ,
        HOME=str(folder),
        XDG_RUNTIME_DIR=str(folder),
        XDG_CONFIG_HOME=str(folder),
        PULSE_RUNTIME_PATH=str(folder),
        PULSE_STATE_PATH=str(folder),
    )
    for name in ("PULSE_SERVER", "PULSE_SOURCE", "PULSE_SINK"):
        daemon_env.pop(name, None)
    log = open(folder / "pulseaudio.log", "wb")  # noqa: SIM115 - handed to the daemon for its lifetime
    process = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            "--use-pid-file=no",
            "--disable-shm=yes",
            "--log-target=stderr",
            f"--load=module-native-protocol-unix socket={folder}/native auth-anonymous=1",
            "--load=module-null-sink sink_name=vsink rate=16000 channels=1 format=s16le",
            "--load=module-remap-source source_name=vmic master=vsink.monitor",
        ],
        env=daemon_env,
        stdout=log,
        stderr=log,
    )
    log.close()
    server = PulseServer(folder, process)
    deadline = time.monotonic() + timeout
    while True:
        if not server.alive():
            raise RuntimeError(f"pulseaudio exited: {(folder / 'pulseaudio.log').read_text(errors='replace')}")
        if server.socket.exists():
            probe = subprocess.run(
                ["pactl", "info"], env=server.client_env(), capture_output=True, timeout=10, check=False
            )
            if probe.returncode == 0:
                break
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("pulseaudio did not start in time")
        time.sleep(0.05)
    _warm_up(server)
    if export:
        for name, value in server.env.items():
            server.exported[name] = os.environ.get(name)
            os.environ[name] = value
        _rescan_devices()
    return server


def _rescan_devices() -> None:
    """PortAudio lists devices once; if it already did in this process, make it look again at the servers now set."""
    if "sounddevice" in sys.modules:
        from tpm_coach.audio.devices import refresh_devices

        refresh_devices(sys.modules["sounddevice"])


def _warm_up(server: PulseServer) -> None:
    """Read 0.1 s from `vmic`; a server whose microphone delivers nothing is stopped and reported."""
    reader = subprocess.Popen(
        ["parec", "--device=vmic", "--rate=16000", "--channels=1", "--format=s16le"],
        env=server.client_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    got = threading.Event()

    def read() -> None:
        assert reader.stdout is not None
        if len(reader.stdout.read(3200)) == 3200:
            got.set()

    thread = threading.Thread(target=read, daemon=True)
    try:
        thread.start()
        got.wait(WARM_UP_S)
    finally:
        reader.kill()
        reader.wait()
        thread.join(timeout=5)
        if reader.stdout is not None:
            reader.stdout.close()
    if not got.is_set():
        server.stop()
        raise RuntimeError(f"the virtual microphone delivered no audio within {WARM_UP_S:.0f} s of the server starting")


@contextlib.contextmanager
def pulse_server(folder: Path, *, export: bool = False) -> Iterator[PulseServer]:
    server = start_pulse(folder, export=export)
    try:
        yield server
    finally:
        server.stop()


# ---- a recorder in a child process -----------------------------------------------------------


def spawn_recorder(server: PulseServer, wav: Path, *, seconds: float = 60.0) -> RecorderChild:
    """Run `child_record_main` in a new Python process that records `vmic` to `wav` with the app's Recorder."""
    code = "from tests.support.pulse import child_record_main; child_record_main()"
    env = server.client_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(wav), str(seconds)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    return RecorderChild(process)


class RecorderChild:
    """The parent's view of the child: its JSON-line events, read on a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            with contextlib.suppress(json.JSONDecodeError):
                event = json.loads(line)
                with self._changed:
                    self.events.append(event)
                    self._changed.notify_all()
        with self._changed:
            self.events.append({"event": "exit"})
            self._changed.notify_all()

    def wait_for(self, predicate: Any, timeout: float) -> dict[str, Any]:
        """The first event for which `predicate(event)` holds; fails with the child's stderr on timeout/exit."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self.events:
                    if predicate(event):
                        return event
                if any(e["event"] == "exit" for e in self.events):
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
        raise AssertionError(f"child recorder: no such event; events={self.events[-5:]} stderr={self.stderr()}")

    def last(self, kind: str) -> dict[str, Any] | None:
        with self._changed:
            found = [e for e in self.events if e["event"] == kind]
        return found[-1] if found else None

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self) -> None:
        if self.last("stopped") is not None:
            # It is on its way out (and may be saving coverage data): let it end rather than cut it short.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        if self.process.poll() is None:
            self.kill()
        self._reader.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def child_record_main() -> None:
    """Child process: record from the default PulseAudio source through the app's Recorder.

    Prints JSON lines: "started" (first audio), "progress" every 0.1 s with the frames written so far,
    "error" when the recorder reports one, and "stopped" with the result.
    """
    wav, seconds = Path(sys.argv[1]), float(sys.argv[2])
    from tpm_coach.audio.devices import import_sounddevice
    from tpm_coach.audio.recorder import Recorder

    def emit(**event: Any) -> None:
        print(json.dumps(event), flush=True)

    written = [0]
    errors: list[tuple[float, str, str]] = []
    ended = threading.Event()

    def on_block(block: Any) -> None:
        written[0] += len(block)

    def on_error(error: Exception) -> None:
        errors.append((time.monotonic(), type(error).__name__, str(error)))

    recorder = Recorder(
        import_sounddevice(),
        wav,
        device="pulse",
        time_limit_s=seconds,
        listeners=[on_block],
        on_error=on_error,
        on_stopped=lambda _result: ended.set(),
    )
    recorder.start()
    if not recorder.wait_started(15):
        emit(event="no-audio")
    emit(event="started")
    while not ended.wait(0.1):
        # `written` counts samples the writer thread has appended to the WAV file.
        emit(event="progress", written_s=written[0] / 16000, elapsed_s=recorder.elapsed_s, t=time.monotonic())
    result = recorder.stop()
    if errors:
        at, kind, message = errors[0]
        emit(event="error", type=kind, message=message, t=at)
    emit(
        event="stopped",
        reason=result.stopped_reason.value,
        duration_s=result.duration_s,
        error=type(result.error).__name__ if result.error else None,
        t=time.monotonic(),
    )
