"""The coverage drill in the window: the practice setup prepared with behavioural questions on the weakest skills."""

from __future__ import annotations

from collections.abc import Sequence

from tpm_coach.domain import QuestionKind
from tpm_coach.ui.practice.setup import SetupPage


def prepare_coverage_drill(setup: SetupPage, skills: Sequence[str], count: int = 3) -> None:
    """Tick `skills` and behavioural questions only; the candidate then presses Start."""
    setup.choose_skills(skills)
    for kind, box in setup.kinds.items():
        box.setChecked(kind is QuestionKind.BEHAVIORAL)
    setup.count.setValue(count)
