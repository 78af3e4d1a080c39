"""Bank problems in the editor read as a coach would say them, naming the skill, criterion or question."""

from __future__ import annotations

from tpm_coach.banks import load_bank
from tpm_coach.banks.coach_words import in_coach_words
from tpm_coach.banks.draft import BankDraft
from tpm_coach.paths import default_bank_path


def _said(draft: BankDraft) -> dict[str, str]:
    return {p.location: in_coach_words(p, draft.data) for p in draft.problems()}


def test_the_issues_examples_and_their_places() -> None:
    draft = BankDraft(load_bank(default_bank_path()))
    skill = draft.data["competencies"][0]
    criteria = skill["rubric"]["criteria"]
    criteria[0]["weight"] = 0
    second = criteria[1]["name"]
    criteria[1]["name"] = ""
    draft.data["questions"][1]["time_limit_s"] = 5
    draft.data["questions"][2]["kind"] = "weird"
    draft.data["questions"][3]["competency"] = "nope"
    said = _said(draft)
    first = f"Skill 1 “{skill['name']}”, Criterion 1 “{criteria[0]['name']}”"
    assert said["competencies[0].rubric.criteria[0].weight"] == f"{first}: weights must be above 0"
    assert said["competencies[0].rubric.criteria[1].name"] == (
        f"Skill 1 “{skill['name']}”, Criterion 2: a criterion needs a name"
    )
    assert second not in said["competencies[0].rubric.criteria[1].name"]  # the name it no longer has
    assert said["questions[1].time_limit_s"].endswith(": the time limit must be at least 15 seconds")
    assert said["questions[1].time_limit_s"].startswith("Question 2 “")
    assert said["questions[2].kind"].endswith(
        "choose a kind: Behavioural, Program sense, Technical, Strategy or Situational"
    )
    assert said["questions[3].competency"].endswith(": choose one of the skills for this question")
    for text in said.values():
        assert "[" not in text and "Input should" not in text and "(got" not in text
