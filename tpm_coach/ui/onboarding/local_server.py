"""The first-run dialog's local route: the model servers found on this computer, and a model to score with."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.errors import KnownError
from tpm_coach.scoring.detect import LOOPBACK, SERVER_NAMES, START_HINTS, FoundServer
from tpm_coach.ui.style import button, label

_SEARCHED = "Ollama, LM Studio, llama.cpp and vLLM"


class LocalServerSection(QWidget):
    use_requested = Signal(object, str)  # the FoundServer, the model id
    look_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.status = label("", "Muted", self, wrap=True)
        layout.addWidget(self.status)
        self.choice = QWidget(self)
        form = QFormLayout(self.choice)
        form.setContentsMargins(0, 0, 0, 0)
        self.servers = QComboBox(self.choice)
        self.servers.setAccessibleName("Model server")
        self.servers.currentIndexChanged.connect(self._server_changed)
        form.addRow("Server", self.servers)
        self.models = QComboBox(self.choice)
        self.models.setAccessibleName("Model")
        form.addRow("Model", self.models)
        layout.addWidget(self.choice)
        hints = "\n".join(f"• {name}: {how}" for name, how in START_HINTS)
        self.hints = label(f"To start one:\n{hints}", "Muted", self, wrap=True)
        self.hints.setTextFormat(Qt.TextFormat.PlainText)
        self.hints.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.hints)
        row = QHBoxLayout()
        row.addStretch(1)
        self.look_again = button("Look again", "", self)
        self.look_again.clicked.connect(self.look_requested)
        row.addWidget(self.look_again)
        self.use = button("Use this model", "primary", self)
        self.use.clicked.connect(self._use)
        row.addWidget(self.use)
        layout.addLayout(row)
        self.found: list[FoundServer] = []
        self.searching()

    def searching(self) -> None:
        self.status.setText(f"Looking for {_SEARCHED} on this computer ({LOOPBACK})…")
        self.choice.setVisible(False)
        self.hints.setVisible(False)
        self.look_again.setEnabled(False)
        self.use.setEnabled(False)

    def show_found(self, found: list[FoundServer]) -> None:
        self.found = list(found)
        self.look_again.setEnabled(True)
        self.hints.setVisible(not self.found)
        self.choice.setVisible(bool(self.found))
        if not self.found:
            self.status.setText(f"No model server is running on this computer: none of {_SEARCHED} answered.")
            self.use.setEnabled(False)
            return
        count = len(self.found)
        self.status.setText(f"Found {count} model server{'s' if count > 1 else ''} on this computer.")
        self.servers.blockSignals(True)
        self.servers.clear()
        for server in self.found:
            # A provider told from the port alone is labelled as a guess; the base URL is what counts.
            name = f"{server.name}?" if server.guessed else server.name
            self.servers.addItem(f"{name} at {server.base_url}")
            if server.guessed:
                self.servers.setItemData(
                    self.servers.count() - 1,
                    f"Its reply does not say which server it is; {SERVER_NAMES[server.provider]} usually uses "
                    f"port {server.port}.",
                    Qt.ItemDataRole.ToolTipRole,
                )
        self.servers.blockSignals(False)
        self.servers.setCurrentIndex(0)
        self._server_changed(0)

    def show_failed(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, KnownError) else f"The search failed ({exc})."
        self.show_found([])
        self.status.setText(text)

    def selected(self) -> FoundServer | None:
        index = self.servers.currentIndex()
        return self.found[index] if 0 <= index < len(self.found) else None

    def _server_changed(self, _index: int) -> None:
        server = self.selected()
        self.models.clear()
        if server is None:
            self.use.setEnabled(False)
            return
        self.models.addItems(list(server.models))
        if server.models:
            self.models.setCurrentText(server.suggested_model)
        else:
            self.models.setPlaceholderText("no model loaded: load one in the server, then look again")
        self.use.setEnabled(bool(server.models))

    def _use(self) -> None:
        server = self.selected()
        if server is not None and self.models.currentText():
            self.use_requested.emit(server, self.models.currentText())
