"""Scoring answers against a rubric: the LLM scorer, the offline scorer, and the service that stores results.

The LLM scorer lives in `tpm_coach.scoring.llm` and is imported only when used, because `openai` is slow to
import; `build_scorer` / `scorer_factory` choose between the two from the settings.
"""

from tpm_coach.scoring.base import ADHOC_QUESTION_ID, Scorer, ScorerChoice, adhoc_question
from tpm_coach.scoring.factory import build_scorer, resolve_choice, scorer_factory
from tpm_coach.scoring.offline import OfflineScorer
from tpm_coach.scoring.overall import overall_score
from tpm_coach.scoring.service import ScoringService, check_result
from tpm_coach.scoring.text import MIN_ANSWER_WORDS, ensure_answer_present

__all__ = [
    "ADHOC_QUESTION_ID",
    "MIN_ANSWER_WORDS",
    "OfflineScorer",
    "Scorer",
    "ScorerChoice",
    "ScoringService",
    "adhoc_question",
    "build_scorer",
    "check_result",
    "ensure_answer_present",
    "overall_score",
    "resolve_choice",
    "scorer_factory",
]
