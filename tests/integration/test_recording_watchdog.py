"""The audio server dies mid-answer: callbacks just stop, the watchdog notices and the audio is kept.

A second private PulseAudio server is started for this test alone, with a recorder in a child process
connected to it; the server is then killed with SIGKILL.
"""

from __future__ import annotations

import signal
import time
import wave
from pathlib import Path

import pytest

from tests.support.pulse import have_pulseaudio, pulse_server, spawn_recorder
from tests.support.speech import librivox_clips

pytestmark = [pytest.mark.audio, pytest.mark.slow, pytest.mark.usefixtures("need_librivox")]


def test_a_dead_audio_server_is_reported_and_the_recording_kept(tmp_path: Path) -> None:
    if not have_pulseaudio():
        pytest.skip("needs pulseaudio and pulseaudio-utils (Debian packages)")
    wav = tmp_path / "answer.wav"
    with pulse_server(tmp_path / "pulse") as server:
        child = spawn_recorder(server, wav, seconds=120)
        try:
            child.wait_for(lambda e: e["event"] == "started", timeout=20)
            player = server.play(librivox_clips()[0].path)
            at_kill = child.wait_for(lambda e: e["event"] == "progress" and e["written_s"] >= 3.0, timeout=30)
            killed_at = time.monotonic()
            server.kill()
            player.wait(timeout=10)
            error = child.wait_for(lambda e: e["event"] == "error", timeout=15)
            stopped = child.wait_for(lambda e: e["event"] == "stopped", timeout=15)
        finally:
            child.close()
    assert error["type"] == "AudioDeviceError"
    assert "stopped delivering audio" in error["message"]
    assert stopped["reason"] == "device_error"
    assert stopped["error"] == "AudioDeviceError"
    # Both clocks are CLOCK_MONOTONIC on Linux; reported for the record, the budget is checked in bench/.
    print(f"watchdog reported the dead server {error['t'] - killed_at:.2f} s after the kill")
    with wave.open(str(wav), "rb") as reader:
        kept_s = reader.getnframes() / reader.getframerate()
    assert kept_s >= at_kill["written_s"]
    assert kept_s == pytest.approx(stopped["duration_s"], abs=0.01)


def test_a_hung_audio_server_is_noticed_by_the_watchdog(tmp_path: Path) -> None:
    """SIGSTOP freezes the server: no error anywhere, the callbacks simply stop coming."""
    if not have_pulseaudio():
        pytest.skip("needs pulseaudio and pulseaudio-utils (Debian packages)")
    wav = tmp_path / "answer.wav"
    with pulse_server(tmp_path / "pulse") as server:
        child = spawn_recorder(server, wav, seconds=120)
        try:
            child.wait_for(lambda e: e["event"] == "started", timeout=20)
            player = server.play(librivox_clips()[0].path)
            at_freeze = child.wait_for(lambda e: e["event"] == "progress" and e["written_s"] >= 2.0, timeout=30)
            frozen_at = time.monotonic()
            server.process.send_signal(signal.SIGSTOP)
            try:
                error = child.wait_for(lambda e: e["event"] == "error", timeout=15)
                stopped = child.wait_for(lambda e: e["event"] == "stopped", timeout=15)
            finally:
                server.process.send_signal(signal.SIGCONT)
            player.kill()
            player.wait()
        finally:
            child.close()
    assert error["type"] == "AudioDeviceError"
    assert stopped["reason"] == "device_error"
    print(f"watchdog reported the hung server {error['t'] - frozen_at:.2f} s after it froze")
    with wave.open(str(wav), "rb") as reader:
        assert reader.getnframes() / reader.getframerate() >= at_freeze["written_s"]
