"""Delivery metrics for a transcript, never at the cost of the answer itself."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tpm_coach.domain import DeliveryMetrics, Transcript

log = logging.getLogger(__name__)


def measure_delivery(compute: Callable[[Transcript], DeliveryMetrics], transcript: Transcript) -> DeliveryMetrics:
    """`compute(transcript)`, or just the word count if that fails (logged: it is a defect, not user error)."""
    try:
        return compute(transcript)
    except Exception:
        log.exception("delivery metrics failed; the transcript is stored without them")
        return DeliveryMetrics(word_count=transcript.word_count)
