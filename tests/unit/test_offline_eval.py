"""`tpm-coach eval` on the labelled answers: the offline scorer meets its targets, and the command's contract."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml

from tests.support import REPO_ROOT
from tests.support.cli import tpm
from tpm_coach.banks import load_bank
from tpm_coach.paths import default_bank_path
from tpm_coach.scoring.eval import eval_files, load_eval_file

EVAL_DIR = REPO_ROOT / "tests" / "data" / "eval"
EVAL_S = 300  # every labelled answer, scored twice
SKILLS = {"technical-aptitude", "planning-strategy", "business-goals", "risk-management", "communication", "leadership"}
ADVERSARIAL = {
    "stuffing-term-list",
    "stuffing-in-sentence-clothing",
    "addresses-the-scorer",
    "another-language",
    "long-rambling",
}


def test_offline_scorer_meets_its_targets_on_the_labelled_set() -> None:
    result = tpm("eval", str(EVAL_DIR), "--scorer", "offline", "--repeat", "2", "--json", timeout=EVAL_S)
    assert result.returncode == 0, result.stdout + result.stderr
    (report,) = json.loads(result.stdout)["reports"]
    assert report["scorer"] == "offline"
    assert report["accuracy"] >= 0.95, [p for p in report["pair_results"] if not p["correct"]]
    assert report["highest"]["off-topic"] <= 1.5
    assert max(report["highest"].values()) < min(a["score"] for a in report["answer_results"] if a["level"] == 3)
    assert report["spearman"] >= 0.85
    assert report["max_spread"] == 0.0  # deterministic
    assert all(len(a["scores"]) == 2 for a in report["answer_results"])
    assert 0 < report["evidence_share"] <= 1
    # An offline score carries no reply, latency or tokens to measure.
    assert report["first_try_valid"] is None
    assert report["latency_ms"] == {"p50": None, "p95": None}
    assert report["tokens_per_score"] is None


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


def test_eval_fails_below_the_minimum_accuracy(tmp_path: Path) -> None:
    swapped = tmp_path / "swapped.yaml"
    data = yaml.safe_load((EVAL_DIR / "leadership.yaml").read_text())
    pair = data["pairs"][0]
    pair["stronger"], pair["weaker"] = pair["weaker"], pair["stronger"]
    swapped.write_text(yaml.safe_dump({"pairs": data["pairs"]}))

    result = tpm("eval", str(swapped), timeout=EVAL_S)

    assert result.returncode == 1
    assert "FAIL lead-001-influence-without-authority" in result.stdout
    assert "offline ordering accuracy 50% is below 95%" in result.stderr
    assert tpm("eval", str(swapped), "--min-accuracy", "0.5", timeout=EVAL_S).returncode == 0


def test_eval_file_problems_exit_2_with_the_place(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("pairs:\n  - id: x\n    question: nope-1\n    stronger: a b c\n    weaker: d e f\n")
    result = tpm("eval", str(unknown), timeout=EVAL_S)
    assert result.returncode == 2
    assert "unknown question 'nope-1'" in result.stderr

    broken = tmp_path / "broken.yaml"
    broken.write_text("pairs:\n  - id: x\n    question: tech-001\n    stronger: fine answer\n")
    result = tpm("eval", str(broken), timeout=EVAL_S)
    assert result.returncode == 2
    assert f"{broken}:2: pairs[0].weaker: Field required" in result.stderr
