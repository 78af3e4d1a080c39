"""When to show the first-start guide and to ask how answers should be scored (once each), and saving the
answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from tpm_coach.config import LlmSettings, Settings, load_settings, save_settings
from tpm_coach.context import AppContext
from tpm_coach.domain import Level, QuestionKind
from tpm_coach.errors import KnownError
from tpm_coach.practice import SessionOptions
from tpm_coach.scoring.detect import FoundServer, detect_servers
from tpm_coach.secrets import set_api_key
from tpm_coach.ui.onboarding.dialog import LlmSetupDialog
from tpm_coach.ui.onboarding.guide import FirstRunGuide

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


def save_first_run_done(context: AppContext) -> None:
    """Remember that the guide was shown, so it is not shown at the next start (Settings opens it again)."""
    values = load_settings(environ={}).model_dump()
    values["first_run_done"] = True
    save_settings(Settings.model_validate(values))
    context.settings.first_run_done = True


def offer_first_run(window: MainWindow, detect: Detect | None = None) -> bool:
    """Open the guide once the window has shown, on the first start only."""
    if window.context.settings.first_run_done:
        return False
    QTimer.singleShot(0, window, lambda: open_guide(window, detect) if window.isVisible() else None)
    return True


def open_guide(window: MainWindow, detect: Detect | None = None) -> FirstRunGuide:
    """The guide over the window; its scoring step opens the scoring question, its last step a warm-up."""
    existing = window.findChild(FirstRunGuide)
    if existing is not None and existing.isVisible():
        existing.raise_()
        return existing
    guide = FirstRunGuide(window.runner, window.messages, lambda: window.context.settings, window)
    guide.judge_requested.connect(lambda: _open(window, detect or detect_servers, guide))
    guide.warm_up_requested.connect(lambda: start_warm_up(window))
    guide.finished.connect(lambda _result: _guide_closed(window))
    guide.show()
    return guide


def _guide_closed(window: MainWindow) -> None:
    if window.context.settings.first_run_done:
        return
    try:
        save_first_run_done(window.context)
    except KnownError as exc:  # the guide simply shows again at the next start
        window.messages.error(exc)


def start_warm_up(window: MainWindow) -> None:
    """One easy question: entry-level and behavioural where the banks have one, else any single question."""
    window.navigate("practice")
    practice = window.practice
    if practice.busy:
        return
    if window.library is None:
        window.messages.info("The question banks are still loading: press Start session in a moment.")
        return
    easy = SessionOptions(kinds=(QuestionKind.BEHAVIORAL,), levels=(Level.ENTRY,), count=1)
    if not window.library.questions(None, easy.kinds, easy.levels):
        easy = SessionOptions(count=1)
    practice.start(easy)


def offer_llm_setup(window: MainWindow, detect: Detect | None = None) -> bool:
    """Ask once the window has shown, if no LLM is configured and the question was never answered."""
    if not needs_llm_choice(window.context.settings):
        return False
    QTimer.singleShot(0, window, lambda: _open(window, detect or detect_servers))
    return True


def _open(window: MainWindow, detect: Detect, guide: FirstRunGuide | None = None) -> None:
    if guide is None and (not window.isVisible() or not needs_llm_choice(window.context.settings)):
        return
    dialog = LlmSetupDialog(
        window.runner,
        detect,
        lambda llm, key: save_llm_choice(window.context, llm, key),
        window.context.settings.llm,
        window,
    )
    dialog.chosen.connect(lambda settings: _chosen(window, settings))
    if guide is not None:
        dialog.chosen.connect(lambda _settings: guide.show_judge())
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
