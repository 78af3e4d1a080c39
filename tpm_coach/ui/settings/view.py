"""The Settings page: scoring (LLM), transcription, microphone, practice and data; saved to the config file,
the API key to the OS keyring only."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from tpm_coach.banks import BankLibrary
from tpm_coach.config import Settings, TranscriptionEngine, save_settings
from tpm_coach.errors import ConfigError, InsecureTransportError, KnownError
from tpm_coach.plain_http import allow_plain_http, check_key_transport
from tpm_coach.secrets import get_api_key, set_api_key
from tpm_coach.ui.deps import ViewDeps
from tpm_coach.ui.practice.setup import LOADING, UNAVAILABLE
from tpm_coach.ui.settings.audio import AudioSection
from tpm_coach.ui.settings.data import PracticeDataSection
from tpm_coach.ui.settings.llm import LlmSection
from tpm_coach.ui.settings.plain_http import confirm_plain_http
from tpm_coach.ui.settings.speech_models import SpeechModelsPanel
from tpm_coach.ui.settings.transcription import TranscriptionSection
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.tasks import QtTaskRunner

log = logging.getLogger(__name__)

TABS = ("llm", "transcription", "audio", "data")


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False))


def _tab(section: QWidget, title: str, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setObjectName("Page")
    area.setWidgetResizable(True)
    body = QWidget(area)
    body.setObjectName("PageBody")
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 12, 8, 0)
    frame, inner = card(body, margins=20)
    frame.setMaximumWidth(820)
    inner.addWidget(label(title, "SectionTitle", frame))
    inner.addWidget(section)
    layout.addWidget(frame)
    layout.addStretch(1)
    area.setWidget(body)
    return area


def _refused_host(base_url: str, api_key: str | None, allowed: list[str]) -> str | None:
    """The host the key would not be sent to (plain http:// to another computer, not allowed yet)."""
    try:
        check_key_transport(base_url, api_key, allowed)
    except InsecureTransportError as exc:
        return exc.host
    return None


class SettingsView(QWidget):
    saved = Signal(object, bool)  # the new Settings, whether the data folder changed
    plain_http_allowed = Signal(str)  # a host the user allowed the key over plain http://
    guide_requested = Signal()  # the first-start guide, opened again

    def __init__(self, deps: ViewDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = deps.context
        self.messages = messages = deps.messages
        workers = deps.workers
        self.runner = QtTaskRunner(workers, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(label("Settings", "PageTitle", self))
        self.tabs = QTabWidget(self)
        self.llm = LlmSection()
        self.transcription = TranscriptionSection()
        self.speech_models = SpeechModelsPanel(
            self.runner, lambda: self.context.settings.transcription, lambda: self.context.data_paths
        )
        self.speech_models.use_requested.connect(self.use_speech_model)
        self.transcription.add_panel(self.speech_models)
        self.audio = AudioSection(self.runner, messages)
        self.data = PracticeDataSection()
        self.tabs.addTab(_tab(self.llm, "Scoring with an LLM", self.tabs), "Scoring")
        self.tabs.addTab(_tab(self.transcription, "Speech to text", self.tabs), "Transcription")
        self.tabs.addTab(_tab(self.audio, "Microphone", self.tabs), "Microphone")
        self.tabs.addTab(_tab(self.data, "Practice and data", self.tabs), "Practice && data")
        layout.addWidget(self.tabs, 1)
        bar = QHBoxLayout()
        self.guide = button("Open the first-start guide", "", self)
        self.guide.setToolTip("Check the microphone, choose who scores answers, and answer a warm-up question")
        self.guide.clicked.connect(self.guide_requested)
        bar.addWidget(self.guide)
        self.status = label("", "Muted", self)
        bar.addWidget(self.status, 1)
        self.revert = button("Revert", "", self)
        self.revert.clicked.connect(self.load)
        bar.addWidget(self.revert)
        self.save_button = button("Save", "primary", self, icon_name="check")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        self.llm.test_requested.connect(self.test_connection)
        self._watch_plain_http()
        # Read in the background when the window opens (see MainWindow): the list waits for set_library.
        self.library: BankLibrary | None = None
        self._banks_waiting = LOADING
        self.load()

    def show_section(self, name: str) -> None:
        if name in TABS:
            self.tabs.setCurrentIndex(TABS.index(name))
        if name == "audio" and not self.audio.devices_loaded:
            self.audio.list_devices()

    def refresh(self) -> None:
        if not self.audio.devices_loaded:
            self.audio.list_devices()

    def load(self) -> None:
        settings = self.context.settings
        try:
            key = get_api_key()
        except KnownError:
            key = None
        self.llm.load(settings.llm, key)
        self.transcription.load(settings.transcription)
        self.audio.load(settings.audio)
        self.data.load(settings, self.library, self._banks_waiting)
        self.status.setText("")
        self._offer_plain_http()

    def set_library(self, library: BankLibrary) -> None:
        """The banks have been read: list them for choosing the active ones."""
        self.library = library
        self.data.show_banks(self.context.settings.active_banks, library)

    def banks_unavailable(self) -> None:
        self._banks_waiting = UNAVAILABLE
        self.data.show_banks(self.context.settings.active_banks, None, UNAVAILABLE)

    def collect(self) -> Settings:
        """The settings as entered; raises ConfigError naming the field that is wrong."""
        current = self.context.settings
        try:
            data = current.model_dump()
            data.update(
                llm=self.llm.values().model_dump(),
                transcription=self.transcription.values().model_dump(),
                audio=self.audio.values(current.audio).model_dump(),
                data_dir=self.data.data_dir.text().strip(),
                active_banks=self.data.active_banks(current.active_banks) or ["default"],
            )
            return Settings.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(f"a setting is not valid: {_problems(exc)}", "correct it and save again") from exc

    def save(self) -> bool:
        try:
            settings = self.collect()
            if self.llm.key_changed:
                set_api_key(self.llm.api_key.text().strip())
                self.llm.key_changed = False
            save_settings(settings)
        except KnownError as exc:
            self.messages.error(exc)
            return False
        previous = self.context.settings
        self.context.settings = settings
        if self.library is not None and settings.active_banks != previous.active_banks:
            self.library.active_ids = list(settings.active_banks)
            self.library.reload()
        data_changed = settings.data_dir != previous.data_dir
        self.status.setText("Saved.")
        self.messages.info("Settings saved." + (" Opening the new data folder…" if data_changed else ""))
        self.saved.emit(settings, data_changed)
        return True

    def use_speech_model(self, name: str) -> None:
        """Transcribe with `name` from the next answer on: only that setting is saved, other edits stay pending."""
        current = self.context.settings
        transcription = current.transcription.model_copy(update={"model": name, "engine": TranscriptionEngine.LOCAL})
        settings = current.model_copy(update={"transcription": transcription})
        try:
            save_settings(settings)
        except KnownError as exc:
            self.messages.error(exc)
            return
        self.context.settings = settings
        self.transcription.use_local_model(name)
        self.speech_models.refresh()
        self.messages.info(f"The next answer is transcribed with {name}. {self.transcription.languages.text()}")
        self.saved.emit(settings, False)

    def test_connection(self) -> None:
        from tpm_coach.scoring.connection_check import check_llm_connection

        try:
            llm = self.llm.values()
        except ValidationError as exc:
            self.llm.test_result.setText(_problems(exc))
            return
        key = self.llm.api_key.text().strip() or None
        self.llm.test.setEnabled(False)
        self.llm.test_result.setText("Connecting…")

        def done(text: str) -> None:
            self.llm.test.setEnabled(True)
            self.llm.test_result.setText(text)

        def failed(exc: Exception) -> None:
            self.llm.test.setEnabled(True)
            self.llm.test_result.setText(str(exc) if isinstance(exc, KnownError) else f"Failed: {exc}")
            if isinstance(exc, InsecureTransportError):
                self.llm.plain_http.show_for(exc.host)

        self.runner.submit(lambda: check_llm_connection(llm, key), done, failed)

    # -- the API key over plain http:// ------------------------------------------------------------
    def _watch_plain_http(self) -> None:
        self.llm.plain_http.allow_requested.connect(lambda host: self.allow_plain_http(host, retest=True))
        self.transcription.plain_http.allow_requested.connect(self.allow_plain_http)
        for edited in (self.llm.base_url, self.llm.api_key, self.transcription.remote_url):
            edited.textChanged.connect(self._offer_plain_http)
        for chosen in (self.llm.provider, self.transcription.engine):
            chosen.currentIndexChanged.connect(self._offer_plain_http)

    def _offer_plain_http(self) -> None:
        """Offer to allow the host the key would be withheld from, for the LLM and the transcription server."""
        key = self.llm.api_key.text().strip() or None
        allowed = self.llm.allowed_hosts
        self.llm.plain_http.show_for(_refused_host(self.llm.resolved_base_url(), key, allowed))
        remote = self.transcription.remote_url.text().strip() if self.transcription.is_remote() else ""
        self.transcription.plain_http.show_for(_refused_host(remote, key, allowed))

    def allow_plain_http(self, host: str, *, retest: bool = False) -> bool:
        """Warn, and if the user agrees, let the key go to `host` over plain http:// from now on (the answer is
        saved at once); then test the LLM connection again if `retest`. Returns whether the host was allowed."""
        if not confirm_plain_http(self, host):
            return False
        try:
            allow_plain_http(host, self.context.settings)
        except KnownError as exc:
            self.messages.error(exc)
            return False
        self.llm.allow_host(host)
        self._offer_plain_http()
        self.messages.info(f"The API key may now be sent to {host} over plain HTTP.")
        self.plain_http_allowed.emit(host)
        if retest:
            self.test_connection()
        return True

    def shutdown(self) -> None:
        self.audio.stop()
        self.speech_models.stop()
        self.runner.close()

    def confirm_close(self) -> bool:
        return True
