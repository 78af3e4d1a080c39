"""Playing a past answer through a real audio output: a private PulseAudio server with a null sink.

The player runs in a child process, because QtMultimedia binds to the sound server the first time it is
used in a process. What reaches the sink is recorded from its monitor and must be the answer's tone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.ui.history_support import write_tone

pytestmark = pytest.mark.audio

REPO = Path(__file__).resolve().parents[2]

PLAYER = """
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.history.session_audio import SessionAudioPlayer
messages = MessageSink()
player = SessionAudioPlayer(messages)
player.set_source(Path(sys.argv[1]), 1.5)
states = []
loop = QEventLoop()
player.playing_changed.connect(states.append)
player.playing_changed.connect(lambda playing: None if playing else loop.quit())
QTimer.singleShot(45000, loop.quit)  # a cold first start of the media backend can be slow
player.play_button.click()
loop.exec()
print(json.dumps({"states": states, "position": player.slider.value(),
                  "messages": [m.text for m in messages.history]}))
"""


@pytest.fixture
def pulse(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private PulseAudio daemon with one null sink; yields the environment that points at it."""
    folder = Path(f"/tmp/tpm-pulse-{os.getpid()}-{threading.get_ident()}")  # short: unix socket paths are limited
    folder.mkdir(exist_ok=True)
    socket = folder / "native"
    daemon = subprocess.Popen(
        [
            "pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=no", "--disable-shm=yes",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            "--load=module-null-sink sink_name=vsink rate=16000 channels=1 format=s16le",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    env = {**os.environ, "PULSE_SERVER": f"unix:{socket}", "QT_QPA_PLATFORM": "offscreen"}
    ready = threading.Event()
    try:
        for _ in range(100):  # the daemon takes a moment to open its socket
            if subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False).returncode == 0:
                break
            ready.wait(0.05)
        else:
            pytest.fail("the private PulseAudio server did not start")
        yield env
    finally:
        daemon.terminate()
        daemon.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def test_playback_reaches_the_audio_output(pulse: dict[str, str], tmp_path: Path) -> None:
    tone = write_tone(tmp_path / "answer.wav", seconds=1.5)
    captured = tmp_path / "captured.wav"
    recorder = subprocess.Popen(
        ["parecord", "--device=vsink.monitor", "--rate=16000", "--channels=1", "--format=s16le",
         "--file-format=wav", str(captured)],
        env=pulse,
    )  # fmt: skip
    try:
        played = subprocess.run(
            [sys.executable, "-c", PLAYER, str(tone)],
            env=pulse,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        )
    finally:
        recorder.terminate()
        recorder.wait(10)
    result = json.loads(played.stdout.strip().splitlines()[-1])

    # Played, then stopped at the end of the recording.
    assert result["states"] == [True, False], f"{result}\n{played.stderr[-2000:]}"
    assert result["position"] >= 1400
    assert result["messages"] == []
    with wave.open(str(captured)) as heard:
        samples = np.frombuffer(heard.readframes(heard.getnframes()), dtype=np.int16)
    loud = np.abs(samples) > 2000
    assert loud.sum() > 16000  # at least one second of the tone reached the speakers
