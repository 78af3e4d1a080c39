"""The first-run dialog's cloud route: a provider, a model and an API key (the key goes to the OS keyring only)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from tpm_coach.config import PROVIDER_PRESETS, LlmProvider, LlmSettings
from tpm_coach.ui.style import button, label

_PROVIDERS = ((LlmProvider.OPENAI, "OpenAI"), (LlmProvider.CUSTOM, "Another OpenAI-compatible service"))


class ApiKeySection(QWidget):
    use_requested = Signal(object, str)  # the LlmSettings, the API key

    def __init__(self, base: LlmSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base = base
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.form = QFormLayout()
        self.provider = QComboBox(self)
        for provider, name in _PROVIDERS:
            self.provider.addItem(name, provider)
        self.provider.currentIndexChanged.connect(self._provider_changed)
        self.form.addRow("Provider", self.provider)
        self.base_url = QLineEdit(self)
        self.base_url.setPlaceholderText("https://host/v1")
        self.form.addRow("Base URL", self.base_url)
        self.model = QLineEdit(self)
        self.form.addRow("Model", self.model)
        self.api_key = QLineEdit(self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("API key")
        self.form.addRow("API key", self.api_key)
        layout.addLayout(self.form)
        layout.addWidget(
            label(
                "The key is kept in your system keyring, never in the settings file. Each answer's transcript "
                "and its question's rubric are sent to the provider to be scored.",
                "Muted",
                self,
                wrap=True,
            )
        )
        row = QHBoxLayout()
        row.addStretch(1)
        self.use = button("Use this key", "primary", self)
        self.use.clicked.connect(self._use)
        row.addWidget(self.use)
        layout.addLayout(row)
        for field in (self.base_url, self.model, self.api_key):
            field.textChanged.connect(self._update_enabled)
        self._provider_changed()

    def _provider(self) -> LlmProvider:
        return LlmProvider(self.provider.currentData())

    def _provider_changed(self) -> None:
        preset = PROVIDER_PRESETS.get(self._provider())
        self.form.setRowVisible(self.base_url, preset is None)
        self.model.setPlaceholderText(preset[1] if preset else "the model's name at that service")
        self._update_enabled()

    def _update_enabled(self) -> None:
        # A custom service has no preset to fall back on, so it needs both its address and a model name.
        needs = [self.api_key] if self._provider() in PROVIDER_PRESETS else [self.api_key, self.base_url, self.model]
        self.use.setEnabled(all(field.text().strip() for field in needs))

    def values(self) -> LlmSettings:
        custom = self._provider() not in PROVIDER_PRESETS
        values = self.base.model_dump()
        values.update(
            provider=self._provider(),
            base_url=self.base_url.text().strip() if custom else "",
            model=self.model.text().strip(),
        )
        return LlmSettings.model_validate(values)

    def _use(self) -> None:
        key = self.api_key.text().strip()
        if key and self.use.isEnabled():
            self.use_requested.emit(self.values(), key)
