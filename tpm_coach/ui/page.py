"""The contract between the main window and its pages, so the window treats every page alike."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Page(Protocol):
    def refresh(self) -> None:
        """Show the current data (after a session, a restore or a settings change); loads in the background."""

    def shutdown(self) -> None:
        """Stop background work and release devices; the window is closing."""

    def confirm_close(self) -> bool:
        """False keeps the window open (the user chose to stay, e.g. to save an edit)."""
