"""The first start without an LLM: find the model servers on this computer and let the user choose how to score."""

from tpm_coach.ui.onboarding.flow import needs_llm_choice, offer_llm_setup, save_llm_choice

__all__ = ["needs_llm_choice", "offer_llm_setup", "save_llm_choice"]
