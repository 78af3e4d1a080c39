"""Opening Practice with the debrief's skills chosen: the practice setup's skill list checked to match."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt

from tpm_coach.ui.practice.setup import SetupPage


def preselect_skills(setup: SetupPage, skill_ids: Sequence[str]) -> None:
    """Check exactly `skill_ids` in the practice setup (and turn off weakest-skill focus, which ignores them)."""
    wanted = set(skill_ids)
    setup.focus_weakest.setChecked(False)
    for row in range(setup.skills.count()):
        item = setup.skills.item(row)
        checked = item.data(Qt.ItemDataRole.UserRole) in wanted
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
