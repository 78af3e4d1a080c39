"""When to ask how answers should be scored (once, on a first start without an LLM), and saving the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from tpm_coach.config import LlmSettings, Settings, load_settings, save_settings
from tpm_coach.context import AppContext
from tpm_coach.scoring.detect import FoundServer, detect_servers
from tpm_coach.secrets import set_api_key
from tpm_coach.ui.onboarding.dialog import LlmSetupDialog

if TYPE_CHECKING:
    from tpm_coach.ui.main_window import MainWindow

Detect = Callable[[], list[FoundServer]]


def needs_llm_choice(settings: Settings) -> bool:
    return not settings.llm.enabled and not settings.llm_choice_made


def save_llm_choice(context: AppContext, llm: LlmSettings | None, api_key: str | None) -> Settings:
    """Store the key in the OS keyring, then the choice in config.toml; returns the settings now in force.

    The file is read without environment overrides so none of them is written into it. Raises ConfigError
    (keyring unavailable, settings file unreadable) before anything is saved to the file.
    """
    if api_key:
        set_api_key(api_key)

    def chosen(settings: Settings) -> Settings:
        values = settings.model_dump()
        values["llm_choice_made"] = True
        if llm is not None:
            values["llm"] = llm.model_dump()
        return Settings.model_validate(values)

    save_settings(chosen(load_settings(environ={})))
    context.settings = chosen(context.settings)
    return context.settings


def offer_llm_setup(window: MainWindow, detect: Detect | None = None) -> bool:
    """Ask once the window has shown, if no LLM is configured and the question was never answered."""
    if not needs_llm_choice(window.context.settings):
        return False
    QTimer.singleShot(0, window, lambda: _open(window, detect or detect_servers))
    return True


def _open(window: MainWindow, detect: Detect) -> None:
    if not window.isVisible() or not needs_llm_choice(window.context.settings):
        return
    dialog = LlmSetupDialog(
        window.runner,
        detect,
        lambda llm, key: save_llm_choice(window.context, llm, key),
        window.context.settings.llm,
        window,
    )
    dialog.chosen.connect(lambda settings: _chosen(window, settings))
    dialog.show()
    dialog.look()


def _chosen(window: MainWindow, settings: Settings) -> None:
    window.llm_settings_changed(settings)
    llm = settings.llm
    if llm.enabled:
        where = llm.resolved_base_url()
        window.messages.info(f"Answers will be scored by {llm.resolved_model()} at {where}.")
    else:
        window.messages.info("Answers will get an offline estimate. Connect an LLM any time in Settings > Scoring.")
