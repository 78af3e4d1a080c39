"""Settings > Transcription: local faster-whisper (model, compute type, threads) or a remote server."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from tpm_coach.config import TranscriptionEngine, TranscriptionSettings
from tpm_coach.ui.settings.plain_http import PlainHttpNotice
from tpm_coach.ui.style import label

MODELS = ("tiny.en", "base", "base.en", "small.en", "medium.en", "large-v3")
COMPUTE_TYPES = ("int8", "int8_float32", "float32")


def language_note(model: str, language: str) -> str:
    """Which language an answer may be in with this model: English-only models end in '.en'."""
    if model.strip().endswith(".en") or not model.strip():
        return "Answers must be in English: this model knows only English."
    return (
        f"This model is multilingual, but answers are transcribed as '{language or 'detected'}' "
        "and the scoring reads English: answer in English."
    )


class TranscriptionSection(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._form = form = QFormLayout(self)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        self.engine = QComboBox(self)
        self.engine.addItem("On this computer (faster-whisper)", TranscriptionEngine.LOCAL)
        self.engine.addItem("Remote server (OpenAI-compatible)", TranscriptionEngine.REMOTE)
        self.engine.currentIndexChanged.connect(self._engine_changed)
        form.addRow("Engine", self.engine)
        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.addItems(MODELS)
        self.model.setToolTip("tiny.en is bundled; other models are downloaded once, or enter a model folder")
        form.addRow("Model", self.model)
        self.languages = label("", "Muted", self, wrap=True)
        form.addRow("", self.languages)
        self.model.currentTextChanged.connect(self._model_changed)
        self.compute_type = QComboBox(self)
        self.compute_type.addItems(COMPUTE_TYPES)
        form.addRow("Compute type", self.compute_type)
        self.threads = QSpinBox(self)
        self.threads.setRange(0, 64)
        self.threads.setSpecialValueText("Automatic")
        form.addRow("CPU threads", self.threads)
        self.remote_url = QLineEdit(self)
        self.remote_url.setPlaceholderText("http://localhost:8000/v1")
        form.addRow("Server URL", self.remote_url)
        self.remote_model = QLineEdit(self)
        form.addRow("Server model", self.remote_model)
        self.plain_http = PlainHttpNotice(self)
        form.addRow("", self.plain_http)
        form.addRow(
            "",
            label(
                "Changes apply to the next answer; a new local model loads in the background.", "Muted", self, wrap=True
            ),
        )
        self._extra: dict[str, object] = {}
        self._language = "en"
        self._model_changed()

    def add_panel(self, panel: QWidget) -> None:
        """A panel of its own below the fields (the speech models)."""
        self._form.addRow(panel)

    def use_local_model(self, name: str) -> None:
        self.engine.setCurrentIndex(max(0, self.engine.findData(TranscriptionEngine.LOCAL)))
        self.model.setCurrentText(name)

    def load(self, settings: TranscriptionSettings) -> None:
        self._extra = settings.model_dump(
            exclude={"engine", "model", "compute_type", "threads", "remote_base_url", "remote_model"}
        )
        self._language = settings.language
        self.engine.setCurrentIndex(max(0, self.engine.findData(settings.engine)))
        self.model.setCurrentText(settings.model)
        if self.compute_type.findText(settings.compute_type) < 0:
            self.compute_type.addItem(settings.compute_type)
        self.compute_type.setCurrentText(settings.compute_type)
        self.threads.setValue(settings.threads)
        self.remote_url.setText(settings.remote_base_url)
        self.remote_model.setText(settings.remote_model)
        self._engine_changed()

    def values(self) -> TranscriptionSettings:
        return TranscriptionSettings.model_validate(
            {
                **self._extra,
                "engine": TranscriptionEngine(self.engine.currentData()),
                "model": self.model.currentText().strip() or "tiny.en",
                "compute_type": self.compute_type.currentText(),
                "threads": self.threads.value(),
                "remote_base_url": self.remote_url.text().strip(),
                "remote_model": self.remote_model.text().strip() or "whisper-1",
            }
        )

    def is_remote(self) -> bool:
        return TranscriptionEngine(self.engine.currentData()) is TranscriptionEngine.REMOTE

    def _model_changed(self) -> None:
        self.languages.setText(language_note(self.model.currentText(), self._language))

    def _engine_changed(self) -> None:
        local = TranscriptionEngine(self.engine.currentData()) is TranscriptionEngine.LOCAL
        local_only: tuple[QWidget, ...] = (self.model, self.compute_type, self.threads)
        remote_only: tuple[QWidget, ...] = (self.remote_url, self.remote_model)
        for widget in local_only:
            widget.setEnabled(local)
        for widget in remote_only:
            widget.setEnabled(not local)
