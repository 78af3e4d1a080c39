"""The question asked on the first start without an LLM: score with a model server found on this computer, with a
cloud provider's API key, or offline with an estimate."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.config import LlmSettings, Settings
from tpm_coach.errors import KnownError
from tpm_coach.scoring.detect import FoundServer
from tpm_coach.ui.onboarding.api_key import ApiKeySection
from tpm_coach.ui.onboarding.local_server import LocalServerSection
from tpm_coach.ui.style import button, card, label
from tpm_coach.ui.tasks import QtTaskRunner

log = logging.getLogger(__name__)

# Saves the choice (None: stay offline) and the API key, if any; returns the settings now in force.
SaveChoice = Callable[[LlmSettings | None, str | None], Settings]

OFFLINE_EXPLANATION = (
    "Without an LLM, each answer gets an offline estimate: a heuristic that looks for the rubric's "
    "“listen for” phrases, the answer's structure and specific details such as numbers. It cannot tell whether "
    "what you said is right or well judged, so every such score is labelled as an offline estimate. Recordings "
    "and transcripts are kept, so those answers can be scored again with an LLM once you connect one in "
    "Settings > Scoring."
)


class LlmSetupDialog(QDialog):
    chosen = Signal(object)  # the Settings saved

    def __init__(
        self,
        runner: QtTaskRunner,
        detect: Callable[[], list[FoundServer]],
        save: SaveChoice,
        base: LlmSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("llmSetupDialog")
        self.setWindowTitle("How should your answers be scored?")
        self.setMinimumWidth(640)
        self.runner = runner
        self.detect = detect
        self.save = save
        self.base = base
        self._finished = False

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label("How should your answers be scored?", "PageTitle", self))
        layout.addWidget(
            label(
                "TPM Coach scores each answer against its rubric with a language model (LLM), on this computer "
                "or at a cloud provider. You can change this any time in Settings > Scoring.",
                "Muted",
                self,
                wrap=True,
            )
        )
        self.local = LocalServerSection()
        self.local.look_requested.connect(self.look)
        self.local.use_requested.connect(self._use_local)
        layout.addWidget(self._card("A model server on this computer", self.local))
        self.cloud = ApiKeySection(base)
        self.cloud.use_requested.connect(self._use_key)
        layout.addWidget(self._card("A cloud provider, with your API key", self.cloud))
        offline = QWidget()
        offline_layout = QVBoxLayout(offline)
        offline_layout.setContentsMargins(0, 0, 0, 0)
        offline_layout.addWidget(label(OFFLINE_EXPLANATION, "Muted", offline, wrap=True))
        row = QHBoxLayout()
        row.addStretch(1)
        self.stay_offline = button("Stay offline", "", offline)
        self.stay_offline.clicked.connect(lambda: self._finish(None, None))
        row.addWidget(self.stay_offline)
        offline_layout.addLayout(row)
        layout.addWidget(self._card("No LLM for now", offline))
        self.error = label("", "", self, wrap=True)
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setVisible(False)
        layout.addWidget(self.error)

    def _card(self, title: str, body: QWidget) -> QWidget:
        frame, inner = card(self, spacing=8, margins=14)
        inner.addWidget(label(title, "SectionTitle", frame))
        body.setParent(frame)
        inner.addWidget(body)
        return frame

    def look(self) -> None:
        """Probe for local servers on a worker; the GUI thread only shows the result."""
        self.local.searching()
        self.runner.submit(self.detect, self.local.show_found, self.local.show_failed)

    def _use_local(self, server: FoundServer, model: str) -> None:
        self._finish(server.llm_settings(model, self.base), None)

    def _use_key(self, llm: LlmSettings, key: str) -> None:
        self._finish(llm, key)

    def _finish(self, llm: LlmSettings | None, key: str | None) -> bool:
        if self._finished:
            return True
        try:
            settings = self.save(llm, key)
        except KnownError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return False
        self._finished = True
        self.chosen.emit(settings)
        self.accept()
        return True

    def reject(self) -> None:
        # Closing the dialog keeps the offline estimate, and that answer is remembered like the button's; if it
        # cannot be saved, the question simply comes back at the next start.
        if self._finished or self._finish(None, None):
            return
        log.warning("the choice to stay offline could not be saved: %s", self.error.text())
        super().reject()
