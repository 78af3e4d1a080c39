"""The coverage drill in the window: the practice setup prepared with behavioural questions on the weakest skills."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt

from tpm_coach.domain import QuestionKind
from tpm_coach.ui.practice.setup import SetupPage


def prepare_coverage_drill(setup: SetupPage, skills: Sequence[str], count: int = 3) -> None:
    """Tick `skills` and behavioural questions only; the candidate then presses Start."""
    setup.focus_weakest.setChecked(False)
    for row in range(setup.skills.count()):
        item = setup.skills.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in skills
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
    for kind, box in setup.kinds.items():
        box.setChecked(kind is QuestionKind.BEHAVIORAL)
    setup.count.setValue(count)
