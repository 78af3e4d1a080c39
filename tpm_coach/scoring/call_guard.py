"""The call guard's former place, kept for modules that still import it from here: it is tpm_coach.call_guard,
below both scoring and transcription, which use it."""

from tpm_coach.call_guard import CallCancelled, CallGuard, CallTimedOut, Cancellation

__all__ = ["CallCancelled", "CallGuard", "CallTimedOut", "Cancellation"]
