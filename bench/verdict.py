"""How long the feedback's verdict and outline ticks take on the GUI thread for a long answer (budget: the 50 ms
a GUI-thread stall may last), and the whole feedback view's show_record with them.

A 3-minute answer (~450 words) scored on every criterion with quoted evidence; the median of many runs.
Run: .venv/bin/python bench/verdict.py [--words N] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

BUDGET_MS = 50.0
_SENTENCE = (
    "We agreed the rollout plan with the payments and platform teams, tracked the risk of double charges "
    "every week, and I reported the latency numbers to the director so that the launch date held. "
)


def _median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--words", type=int, default=450)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from tpm_coach.banks import load_bank
    from tpm_coach.domain import AttemptRecord, AttemptStatus, CriterionScore, Evidence, ScoreResult, Transcript
    from tpm_coach.paths import default_bank_path
    from tpm_coach.scoring.overall import overall_score
    from tpm_coach.scoring.verdict import build_verdict, outline_covered

    bank = load_bank(default_bank_path())
    question = bank.questions[0]
    competency = next(c for c in bank.competencies if c.id == question.competency)
    words = _SENTENCE.split()
    answer = " ".join(words[i % len(words)] for i in range(args.words))
    criteria = [
        CriterionScore(
            id=c.id, score=2 + n % 3, rationale=f"{c.name}: " + _SENTENCE, evidence=[Evidence(quote=_SENTENCE)]
        )
        for n, c in enumerate(competency.rubric.criteria)
    ]
    scale = competency.rubric.scale
    result = ScoreResult(
        overall=overall_score(criteria, competency.rubric),
        scale_min=scale.min,
        scale_max=scale.max,
        criteria=criteria,
        stronger_answer=list(question.strong_answer),
        scorer="llm",
    )
    verdict_ms = _median_ms(
        lambda: (build_verdict(result, competency), outline_covered(result.stronger_answer, answer)), args.runs
    )

    from PySide6.QtWidgets import QApplication

    from tpm_coach.ui.feedback.view import FeedbackView

    app = QApplication(sys.argv[:1])
    view = FeedbackView()
    view.resize(1180, 800)
    view.show()
    record = AttemptRecord(
        id=1,
        session_id=1,
        question=question,
        competency=competency,
        status=AttemptStatus.SCORED,
        status_reason="",
        answer_mode="spoken",
        audio_path=None,
        duration_s=180.0,
        transcript=Transcript(text=answer),
        metrics=None,
        score=result,
        created_at="2026-11-30T12:00:00+00:00",
        parent_attempt_id=None,
    )

    def show() -> None:
        view.show_record(record)
        app.processEvents()

    view_ms = _median_ms(show, max(5, args.runs // 3))
    # The same view without the verdict and the outline ticks: what they add to showing feedback.
    setattr(view, "_show_guidance", lambda _record, _text: None)  # noqa: B010
    without_ms = _median_ms(show, max(5, args.runs // 3))

    print(f"{'measure':<42}{'median ms':>10}{'budget ms':>11}{'ratio':>8}")
    rows = (
        ("verdict + outline ticks", verdict_ms),
        ("FeedbackView.show_record, painted", view_ms),
        ("  the same without verdict and ticks", without_ms),
    )
    for name, ms in rows:
        print(f"{name:<42}{ms:>10.1f}{BUDGET_MS:>11.0f}{ms / BUDGET_MS:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
