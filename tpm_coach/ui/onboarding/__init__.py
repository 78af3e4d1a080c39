"""The first start: a guide through the microphone, the choice of scorer and a warm-up question."""

from tpm_coach.ui.onboarding.flow import (
    needs_llm_choice,
    offer_first_run,
    offer_llm_setup,
    open_guide,
    save_llm_choice,
)

__all__ = ["needs_llm_choice", "offer_first_run", "offer_llm_setup", "open_guide", "save_llm_choice"]
