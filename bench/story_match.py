"""How well the story matcher names the story an answer retold, on the labelled set in tests/data/stories/.

Prints top-1 accuracy on the retellings (target >= 90%) and false matches on the answers that tell a new story
(target: none), at the documented threshold and at a few others for comparison.
Run: .venv/bin/python bench/story_match.py
"""

from __future__ import annotations

import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories"


def main() -> int:
    from tpm_coach.stories.evaluation import evaluate, read_answers
    from tpm_coach.stories.file import load_stories
    from tpm_coach.stories.matcher import MATCH_THRESHOLD

    stories = load_stories(DATA / "stories.yaml")
    answers = read_answers(DATA / "answers.yaml")
    print(f"{len(stories)} stories, {len(answers)} answers")
    print(f"{'threshold':>9} {'top-1 accuracy':>15} {'false matches':>14}")
    for threshold in sorted({0.10, 0.15, MATCH_THRESHOLD, 0.30, 0.40}):
        report = evaluate(stories, answers, threshold)
        mark = "  <- documented" if threshold == MATCH_THRESHOLD else ""
        print(
            f"{threshold:>9.2f} {report.correct:>3}/{report.retellings:<3} {report.top1_accuracy:>6.1%} "
            f"{report.false_matches:>5}/{report.new_stories:<3}{mark}"
        )
    report = evaluate(stories, answers)
    print(f"lowest similarity of a retelling to its story: {report.lowest_retelling:.3f}")
    print(f"highest similarity of an answer to a story it does not tell: {report.highest_other:.3f}")
    for mistake in report.mistakes:
        print(mistake)
    ok = report.top1_accuracy >= 0.9 and report.false_matches == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
