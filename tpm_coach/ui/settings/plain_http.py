"""Settings' offer to send the API key over plain http:// to one host: a notice beside the server's address, and a
warning the user must accept before the host is allowed (tpm_coach.plain_http keeps the answer)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QWidget

from tpm_coach.ui.style import button, label
from tpm_coach.ui.widgets.message_box import plain_message_box


class PlainHttpNotice(QWidget):
    """Hidden unless the key would be refused for `host`; its button asks to allow that host."""

    allow_requested = Signal(str)  # the host

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = label("", "Muted", self, wrap=True)
        row.addWidget(self.text, 1)
        self.allow = button("", "", self)
        self.allow.clicked.connect(lambda: self.allow_requested.emit(self.host))
        row.addWidget(self.allow)
        self.setVisible(False)

    def show_for(self, host: str | None) -> None:
        """Offer to allow `host`; None hides the notice (the key is safe, or there is no key)."""
        self.host = host or ""
        self.setVisible(host is not None)
        if host is not None:
            self.text.setText(
                f"The API key is not sent to {host}: the address uses http://, so it would travel unencrypted."
            )
            self.allow.setText(f"Allow sending the key to {host} over plain HTTP…")


def confirm_plain_http(parent: QWidget | None, host: str) -> bool:
    """Warn what sending the key in clear means and ask; True only if the user allows `host`."""
    box = plain_message_box(
        QMessageBox.Icon.Warning,
        "Send the API key unencrypted?",
        f"The server at {host} is reached over plain http://, so the API key would travel unencrypted: anyone on "
        f"the network between this computer and {host} could read it and use it.\n\n"
        "Allow this only for a server on a network you trust. TPM Coach remembers the answer for this host "
        "(llm.allow_plain_http_hosts in the settings file), so it will not ask again.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText(f"Send the key to {host}")
    box.button(QMessageBox.StandardButton.No).setText("Cancel")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
