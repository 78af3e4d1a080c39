"""What an empty page says: what will appear there, and a button to the place where it starts."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from tpm_coach.ui.style import button, label

HISTORY_HINT = (
    "Every practice session will be listed here with its date, skills and average score; open one to replay "
    "your answers, read their feedback or score them again. Start a session on the Practice page: even one "
    "question makes a session."
)


class EmptyState(QFrame):
    go_clicked = Signal()

    def __init__(self, title: str, text: str, go: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(label(title, "SectionTitle", self))
        self.text = label(text, "Muted", self, wrap=True)  # wraps: the whole hint shows at any width
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.go = button(go, "primary", self, icon_name="practice")
        self.go.clicked.connect(self.go_clicked)
        row.addWidget(self.go)
        row.addStretch(1)
        layout.addLayout(row)
        self.setVisible(False)
