"""`tpm-coach stories ...` run as a person runs it: validate, import, list, export and match."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support import REPO_ROOT
from tests.support.cli import tpm

STORIES = REPO_ROOT / "tests" / "data" / "stories" / "stories.yaml"
ANSWERS = REPO_ROOT / "tests" / "data" / "stories" / "answers.yaml"


def test_validate_exit_codes_and_one_line_per_problem(tmp_path: Path) -> None:
    ok = tpm("stories", "validate", str(STORIES))
    assert ok.returncode == 0 and "ok (8 stories)" in ok.stdout
    data = yaml.safe_load(STORIES.read_text())
    del data["stories"][2]["result"]
    data["stories"][5]["skills"] = ["leadership", "juggling"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False))
    result = tpm("stories", "validate", str(broken))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    assert "story 'roadmap-conflict' (number 3), the result: is required but missing" in lines[0]
    assert "story 'underperforming-team' (number 6), the skills (item 2): unknown skill 'juggling'" in lines[1]
    assert all(line.startswith(f"{broken}:") for line in lines)


def test_import_keeps_saved_stories_and_export_round_trips(tmp_path: Path) -> None:
    assert tpm("stories", "import", str(STORIES)).returncode == 0
    listed = json.loads(tpm("stories", "list", "--json").stdout)
    assert len(listed) == 8
    changed = yaml.safe_load(STORIES.read_text())
    changed["stories"] = changed["stories"][:1]
    changed["stories"][0]["title"] = "A different title"
    changed["stories"].append({**changed["stories"][0], "id": "extra"})
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(changed, sort_keys=False))
    result = tpm("stories", "import", str(again))
    assert result.returncode == 0, result.stderr
    assert "kept your story payments-migration" in result.stdout and "added extra" in result.stdout
    listed = {row["id"]: row for row in json.loads(tpm("stories", "list", "--json").stdout)}
    assert len(listed) == 9
    assert listed["payments-migration"]["title"] == "Moving checkout payments off the monolith"
    bad = tmp_path / "bad.yaml"
    bad.write_text("stories:\n  - id: x\n")
    refused = tpm("stories", "import", str(bad))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert len(json.loads(tpm("stories", "list", "--json").stdout)) == 9
    out = tmp_path / "export.yaml"
    assert tpm("stories", "export", "-o", str(out)).returncode == 0
    assert tpm("stories", "validate", str(out)).returncode == 0
    exported = json.loads(tpm("stories", "export", "--format", "json").stdout)
    assert [s["id"] for s in exported["stories"]] == list(listed)


def test_match_prints_the_story_its_similarity_and_the_candidates(tmp_path: Path) -> None:
    assert tpm("stories", "import", str(STORIES)).returncode == 0
    answers = yaml.safe_load(ANSWERS.read_text())["answers"]
    told = next(a for a in answers if a["story"] == "outage-comms")
    new = next(a for a in answers if a["story"] is None)
    for answer in (told, new):
        transcript = tmp_path / "answer.txt"
        transcript.write_text(answer["text"])
        result = tpm("stories", "match", "--question", "tech-001", "--transcript-file", str(transcript), "--json")
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["story"] == answer["story"]
        assert isinstance(out["similarity"], float)
        assert len(out["candidates"]) == 8
        assert out["candidates"][0]["similarity"] == out["similarity"]
        assert len(out["suggested"]) == 2


def test_match_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    missing = tpm("stories", "match", "--transcript-file", str(tmp_path / "nope.txt"), "--json")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    result = tpm("stories", "match", "--transcript-file", str(empty), "--json")
    assert result.returncode == 2 and "empty" in result.stderr
    (tmp_path / "a.txt").write_text("We shipped it.")
    unknown = tpm("stories", "match", "--question", "nope", "--transcript-file", str(tmp_path / "a.txt"))
    assert unknown.returncode == 2 and "unknown question 'nope'" in unknown.stderr


def test_drill_coverage_and_progress(tmp_path: Path) -> None:
    assert tpm("stories", "import", str(STORIES)).returncode == 0
    told = tmp_path / "told.txt"
    told.write_text(
        "At my last company our cloud bill kept growing. My task was to bring it down. First I tagged every "
        "resource by team and I set a weekly report. As a result we cut spend by 28 percent."
    )
    drill = tpm(
        "stories", "drill", "--story", "cost-cut", "--transcript-file", str(told), "--duration-s", "90", "--json"
    )
    assert drill.returncode == 0, drill.stderr
    out = json.loads(drill.stdout)
    assert out["story"] == "cost-cut" and out["score"] == 5 and out["own_role"] and out["measurable_result"]
    unknown = tpm("stories", "drill", "--story", "nope", "--transcript-file", str(told))
    assert unknown.returncode == 2 and "no story with the id 'nope'" in unknown.stderr
    coverage = json.loads(tpm("stories", "coverage", "--json").stdout)
    assert coverage["skills_without_story"] == [] and len(coverage["never_practised"]) == 8
    assert len(coverage["drill_questions"]) == 3 and len(coverage["weakest_skills"]) == 6
    leadership = next(s for s in coverage["skills"] if s["id"] == "leadership")
    assert {s["id"] for s in leadership["stories"]} == {"roadmap-conflict", "outage-comms", "underperforming-team"}
    progress = json.loads(tpm("stories", "progress", "--json").stdout)
    assert [row["answers"] for row in progress] == [[]] * 8
