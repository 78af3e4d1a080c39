"""The labelled answers `tpm-coach eval` scores cover every skill, level and trap; the command itself, run as a
real process, is checked in tests/integration/test_offline_eval.py."""

from __future__ import annotations

from collections import Counter

from tests.support import REPO_ROOT
from tpm_coach.banks import load_bank
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring.eval import eval_files, load_eval_file

EVAL_DIR = REPO_ROOT / "tests" / "data" / "eval"
SKILLS = {"technical-aptitude", "planning-strategy", "business-goals", "risk-management", "communication", "leadership"}
ADVERSARIAL = {
    "stuffing-term-list",
    "stuffing-in-sentence-clothing",
    "addresses-the-scorer",
    "another-language",
    "long-rambling",
}


def test_labelled_answers_cover_every_skill_level_and_trap() -> None:
    bank = load_bank(default_bank_path())
    competency_of = {q.id: q.competency for q in bank.questions}
    answers = [a for path in eval_files([EVAL_DIR]) for a in load_eval_file(path).answers]
    graded = Counter((competency_of[a.question or ""], a.level) for a in answers if a.category == "genuine")
    assert graded == {(skill, level): 2 for skill in SKILLS for level in (1, 2, 3, 4)}
    traps = Counter(a.category for a in answers if a.category != "genuine")
    assert traps["off-topic"] >= len(SKILLS)
    assert traps["keyword-salad"] >= 3
    assert traps["injection"] >= 3
    # Every trap answers a question that also has graded answers, so it is ranked against them.
    graded_questions = {a.question for a in answers if a.category == "genuine"}
    assert {a.question for a in answers if a.category != "genuine"} <= graded_questions
    ids = [a.id for a in answers]
    assert len(set(ids)) == len(ids)


def test_labelled_pairs_cover_every_skill_and_the_adversarial_cases() -> None:
    bank = load_bank(default_bank_path())
    competency_of = {q.id: q.competency for q in bank.questions}
    by_file = {path.stem: load_eval_file(path).pairs for path in eval_files([EVAL_DIR])}
    per_skill = Counter(
        competency_of[p.question] if p.question else p.competency
        for name, pairs in by_file.items()
        if name != "adversarial"
        for p in pairs
    )
    assert {skill: per_skill[skill] >= 2 for skill in SKILLS} == dict.fromkeys(SKILLS, True)
    assert {p.id for p in by_file["adversarial"]} >= ADVERSARIAL
    every_id = [p.id for pairs in by_file.values() for p in pairs]
    assert len(set(every_id)) == len(every_id)
