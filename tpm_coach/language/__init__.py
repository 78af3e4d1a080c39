"""Text measures shared by delivery metrics and scoring: words, fillers, hedges, numbers and sentences.

It depends on nothing in the app but the domain models, so every part that reads an answer counts it alike.
"""

from tpm_coach.language.delivery import LONG_PAUSE_S, compute_delivery_metrics
from tpm_coach.language.fillers import content_words, filler_count, find_fillers, find_hedges, hedge_count
from tpm_coach.language.sentences import Sentence, split_sentences

__all__ = [
    "LONG_PAUSE_S",
    "Sentence",
    "compute_delivery_metrics",
    "content_words",
    "filler_count",
    "find_fillers",
    "find_hedges",
    "hedge_count",
    "split_sentences",
]
