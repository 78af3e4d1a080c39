"""Playback of one answer's recording: play/pause, a seek slider and the time.

QtMultimedia is loaded and the player created only when the user first presses Play, so browsing history
costs nothing and a machine without audio output still shows everything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSlider, QStyle, QWidget

from tpm_coach.reports import format_duration
from tpm_coach.ui.messages import MessageSink
from tpm_coach.ui.widgets.plain_label import PlainLabel

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer


class SessionAudioPlayer(QWidget):
    playing_changed = Signal(bool)

    def __init__(self, messages: MessageSink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.player: QMediaPlayer | None = None
        self.output: QAudioOutput | None = None
        self.path: Path | None = None
        self._duration_ms = 0

        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("playAnswer")
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("answerPosition")
        self.slider.setRange(0, 0)
        self.time_label = PlainLabel("0:00 / 0:00")
        self.status = PlainLabel()
        self.status.setObjectName("audioStatus")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(self.status)

        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderMoved.connect(self._seek)
        self.set_source(None)

    # -- what to play ------------------------------------------------------------------------------
    def set_source(self, path: Path | None, duration_s: float | None = None) -> None:
        """The recording to offer; None means the answer was typed or not recorded."""
        self.stop()
        self.path = path
        self._duration_ms = int((duration_s or 0) * 1000)
        self.slider.setRange(0, self._duration_ms)
        self.slider.setValue(0)
        self._show_time(0)
        if path is None:
            self._unavailable("No recording for this answer")
        elif not path.is_file():
            self._unavailable("The audio file is missing")
        else:
            self.status.clear()
            self.play_button.setEnabled(True)
            self.slider.setEnabled(True)
        if self.player is not None:
            self.player.setSource(QUrl())

    def _unavailable(self, why: str) -> None:
        self.status.setText(why)
        self.play_button.setEnabled(False)
        self.slider.setEnabled(False)

    # -- playback ----------------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.is_playing():
            assert self.player is not None
            self.player.pause()
            return
        if self.path is None:
            return
        if not self.path.is_file():
            self._unavailable("The audio file is missing")
            self.messages.error(f"The recording {self.path.name} is missing from {self.path.parent}")
            return
        from PySide6.QtMultimedia import QMediaDevices

        if not QMediaDevices.audioOutputs():
            self.messages.warning("No audio output device was found: connect speakers or headphones to play answers")
            return
        player = self._ensure_player()
        if player.source() != QUrl.fromLocalFile(str(self.path)):
            player.setSource(QUrl.fromLocalFile(str(self.path)))
        player.play()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def is_playing(self) -> bool:
        if self.player is None:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def _ensure_player(self) -> QMediaPlayer:
        if self.player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self.output = QAudioOutput(self)
            self.player = QMediaPlayer(self)
            self.player.setAudioOutput(self.output)
            self.player.positionChanged.connect(self._position_changed)
            self.player.durationChanged.connect(self._duration_changed)
            self.player.playbackStateChanged.connect(self._state_changed)
            self.player.errorOccurred.connect(self._error)
        return self.player

    def _seek(self, position_ms: int) -> None:
        if self.player is not None:
            self.player.setPosition(position_ms)

    def _position_changed(self, position_ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(position_ms)
        self._show_time(position_ms)

    def _duration_changed(self, duration_ms: int) -> None:
        if duration_ms > 0:
            self._duration_ms = duration_ms
            self.slider.setRange(0, duration_ms)

    def _state_changed(self) -> None:
        playing = self.is_playing()
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")
        self.playing_changed.emit(playing)

    def _error(self, _error: object, description: str) -> None:
        name = self.path.name if self.path else "the recording"
        self.messages.error(f"Cannot play {name}: {description or 'unknown error'}")

    def _show_time(self, position_ms: int) -> None:
        self.time_label.setText(f"{format_duration(position_ms / 1000)} / {format_duration(self._duration_ms / 1000)}")
