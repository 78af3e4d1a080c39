"""`tpm-coach eval` on the labelled answers, run as a real process: the offline scorer meets its targets,
and the command's contract (exit codes, the failing pairs, the place of a problem in an eval file)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support import REPO_ROOT
from tests.support.cli import tpm

EVAL_DIR = REPO_ROOT / "tests" / "data" / "eval"
EVAL_S = 300  # every labelled answer, scored twice


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
