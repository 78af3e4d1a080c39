"""The built-in bank: six TPM skills, each with a complete rubric and a realistic set of questions."""

from __future__ import annotations

from collections import Counter

from tpm_coach.banks import load_bank
from tpm_coach.domain import QuestionKind
from tpm_coach.paths import default_bank_path

SIX_SKILLS = {
    "technical-aptitude",
    "planning-strategy",
    "business-goals",
    "risk-management",
    "communication",
    "leadership",
}


def test_default_bank_covers_the_six_tpm_skills_with_rubrics() -> None:
    bank = load_bank(default_bank_path())
    assert {c.id for c in bank.competencies} == SIX_SKILLS
    for competency in bank.competencies:
        scale = competency.rubric.scale
        assert 3 <= len(competency.rubric.criteria) <= 5
        for criterion in competency.rubric.criteria:
            assert {scale.min, scale.middle, scale.max} <= criterion.anchors.keys()
            assert criterion.listen_for


def test_default_bank_has_at_least_ten_varied_questions_per_skill() -> None:
    bank = load_bank(default_bank_path())
    per_skill = Counter(q.competency for q in bank.questions)
    assert len(bank.questions) >= 60
    assert all(per_skill[s] >= 10 for s in SIX_SKILLS), per_skill
    for skill in SIX_SKILLS:
        kinds = {q.kind for q in bank.questions if q.competency == skill}
        levels = {q.level for q in bank.questions if q.competency == skill}
        assert QuestionKind.BEHAVIORAL in kinds
        assert len(kinds) >= 3, (skill, kinds)
        assert len(levels) >= 2, (skill, levels)
    texts = [q.text for q in bank.questions]
    assert len(texts) == len(set(texts))
