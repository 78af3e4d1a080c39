"""Settings > Scoring: the LLM provider preset, base URL, model, API key (OS keyring only) and a connection test."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from tpm_coach.config import PROVIDER_PRESETS, LlmProvider, LlmSettings
from tpm_coach.ui.settings.plain_http import PlainHttpNotice
from tpm_coach.ui.style import button, label

PROVIDER_NAMES: dict[LlmProvider, str] = {
    LlmProvider.OPENAI: "OpenAI",
    LlmProvider.OLLAMA: "Ollama",
    LlmProvider.LM_STUDIO: "LM Studio",
    LlmProvider.LLAMA_CPP: "llama.cpp server",
    LlmProvider.VLLM: "vLLM",
    LlmProvider.CUSTOM: "Custom base URL",
    LlmProvider.OFFLINE: "Offline scorer (no LLM)",
}


class LlmSection(QWidget):
    test_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        self.provider = QComboBox(self)
        for provider, name in PROVIDER_NAMES.items():
            self.provider.addItem(name, provider)
        self.provider.currentIndexChanged.connect(self._provider_changed)
        form.addRow("Provider", self.provider)
        self.base_url = QLineEdit(self)
        form.addRow("Base URL", self.base_url)
        self.model = QLineEdit(self)
        form.addRow("Model", self.model)
        self.api_key = QLineEdit(self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("not set")
        self.api_key.textEdited.connect(self._key_edited)
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        self.show_key = button("Show", "link", self)
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(self._toggle_key)
        key_row.addWidget(self.show_key)
        form.addRow("API key", key_row)
        form.addRow(
            "",
            label(
                "Stored in your system keyring, never in the settings file. OPENAI_API_KEY in the "
                "environment takes precedence.",
                "Muted",
                self,
                wrap=True,
            ),
        )
        self.timeout = QDoubleSpinBox(self)
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.timeout.setDecimals(0)
        form.addRow("Timeout", self.timeout)
        test_row = QHBoxLayout()
        self.test = button("Test connection", "", self)
        self.test.clicked.connect(self.test_requested)
        test_row.addWidget(self.test)
        self.test_result = label("", "Muted", self, wrap=True)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        self.plain_http = PlainHttpNotice(self)
        form.addRow("", self.plain_http)
        self.key_changed = False
        self._extra: dict[str, object] = {}
        self.allowed_hosts: list[str] = []  # hosts the key may reach over plain http://

    def load(self, settings: LlmSettings, api_key: str | None) -> None:
        self._extra = settings.model_dump(
            exclude={"provider", "base_url", "model", "timeout_s", "allow_plain_http_hosts"}
        )
        self.allowed_hosts = list(settings.allow_plain_http_hosts)
        self.provider.blockSignals(True)
        self.provider.setCurrentIndex(max(0, self.provider.findData(settings.provider)))
        self.provider.blockSignals(False)
        self.base_url.setText(settings.base_url)
        self.model.setText(settings.model)
        self.timeout.setValue(settings.timeout_s)
        self.api_key.setText(api_key or "")
        self.key_changed = False
        self.test_result.setText("")
        self._provider_changed()

    def values(self) -> LlmSettings:
        return LlmSettings.model_validate(
            {
                **self._extra,
                "allow_plain_http_hosts": self.allowed_hosts,
                "provider": self._provider(),
                "base_url": self.base_url.text().strip(),
                "model": self.model.text().strip(),
                "timeout_s": self.timeout.value(),
            }
        )

    def allow_host(self, host: str) -> None:
        """`host` was allowed the key over plain http:// (saved already): keep it when these settings are saved."""
        if host not in self.allowed_hosts:
            self.allowed_hosts = [*self.allowed_hosts, host]

    def resolved_base_url(self) -> str:
        """The address the key goes to: the one entered, else the provider's usual one; '' for the offline scorer."""
        chosen = LlmSettings(provider=self._provider(), base_url=self.base_url.text().strip())
        return chosen.resolved_base_url() if chosen.enabled else ""

    def _provider(self) -> LlmProvider:
        # Qt hands enum data back as plain strings.
        return LlmProvider(self.provider.currentData())

    def _provider_changed(self) -> None:
        provider = self._provider()
        offline = provider is LlmProvider.OFFLINE
        for widget in (self.base_url, self.model, self.api_key, self.timeout, self.test):
            widget.setEnabled(not offline)
        preset = PROVIDER_PRESETS.get(provider)
        self.base_url.setPlaceholderText(preset[0] if preset else "https://host:port/v1")
        self.model.setPlaceholderText(preset[1] if preset else "model name")
        if preset and self.base_url.text() in (p[0] for p in PROVIDER_PRESETS.values()):
            self.base_url.clear()  # a preset URL left from another provider would be wrong here

    def _key_edited(self) -> None:
        self.key_changed = True

    def _toggle_key(self, shown: bool) -> None:
        self.api_key.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_key.setText("Hide" if shown else "Show")
