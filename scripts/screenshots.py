"""Renders each main view of the app with demo data into docs/screenshots/ as small PNGs.

Run through `scripts/screenshots`, which starts a virtual X server (Xvfb) when there is no display.
The demo data (a few weeks of scored practice) lives in a temporary folder and goes away afterwards.
"""

from __future__ import annotations

import argparse
import math
import os
import struct
import sys
import tempfile
import wave
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # PySide6 is imported only once the data folders are set
    from PySide6.QtWidgets import QWidget

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 820

# (question id, criterion scores, transcript, strength, improvement) of the demo answers.
DEMO_ANSWERS: tuple[tuple[str, list[int], str, str, str], ...] = (
    (
        "tech-001",
        [2, 3, 3, 2],
        "We had to move billing off the monolith. I asked the tech lead to walk me through the request path, "
        "then we agreed to put a queue between checkout and invoicing so that a slow invoice never blocks a sale. "
        "The trade-off was eventual consistency on the invoice page, which finance accepted.",
        "You named a real trade-off and who accepted it.",
        "Say the numbers: requests per second and the latency target that drove the queue.",
    ),
    (
        "comm-001",
        [4, 3, 4, 4],
        "I opened with the decision we needed: slip the launch two weeks or cut offline mode. Then I gave the "
        "three facts behind it, and I closed with my recommendation and what I needed from the VP by Friday.",
        "Decision first, then the evidence: easy for an executive to follow.",
        "Tighten the middle: one fact per risk is enough.",
    ),
    (
        "risk-001",
        [3, 2, 3, 3],
        "The biggest risk was the vendor API changing under us. We kept a contract test running nightly and "
        "I asked the vendor for ninety days' notice in the renewal. Um, we also had a fallback to the old flow.",
        "The nightly contract test is a concrete, cheap mitigation.",
        "Rate the risks: which was most likely, which most costly, and why that ordering.",
    ),
    (
        "lead-001",
        [3, 4, 3, 4],
        "Two teams disagreed on who owned the search index. I got both leads in a room, wrote down what each "
        "team needed, and we split ownership by the write path and the read path. It held for the whole year.",
        "You owned the conflict and turned it into a written agreement.",
        "Add what you learned and would do earlier next time.",
    ),
)


def write_tone(path: Path, seconds: float = 2.0, rate: int = 16000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * 330 * i / rate))) for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


def populate_demo(weeks: int = 8) -> int:
    """Scored sessions spread over `weeks`, improving slowly; returns the id of the newest session."""
    from tpm_coach.context import AppContext
    from tpm_coach.domain import CriterionScore, DeliveryMetrics, Evidence, ScoreResult, StarCheck, Transcript
    from tpm_coach.scoring.overall import overall_score

    ctx = AppContext()
    start = datetime.now(UTC) - timedelta(weeks=weeks)
    newest = 0
    try:
        for week in range(weeks):
            session_id = ctx.sessions.create(["default"], "Onsite rehearsal" if week == weeks - 1 else "")
            stamp = (start + timedelta(weeks=week, hours=week * 5)).isoformat(timespec="milliseconds")
            for number, (qid, scores, text, strength, improvement) in enumerate(DEMO_ANSWERS, start=1):
                question = ctx.banks.question(qid)
                competency = ctx.banks.competency_for(question)
                attempt_id = ctx.attempts.create(session_id, question, competency)
                audio = ctx.data_paths.audio / f"session-{session_id}" / f"answer-{number}.wav"
                write_tone(audio)
                ctx.attempts.set_audio(attempt_id, ctx.data_paths.relative(audio))
                ctx.attempts.set_recorded(attempt_id, 95.0 + 10 * number)
                words = len(text.split())
                ctx.attempts.save_transcript(
                    attempt_id,
                    Transcript(text=text, engine="faster-whisper", model="tiny.en"),
                    DeliveryMetrics(speaking_time_s=100.0, word_count=words, words_per_minute=138.0, filler_count=1),
                )
                bump = (week * 3 // weeks) - (1 if (week + number) % 3 == 0 else 0)
                criteria = [
                    CriterionScore(
                        id=c.id,
                        score=max(1, min(5, s + bump)),
                        rationale=f"{c.name}: {strength if s >= 3 else improvement}",
                        evidence=[Evidence(quote=text.split(",")[0])],
                    )
                    for c, s in zip(competency.rubric.criteria, scores, strict=True)
                ]
                ctx.attempts.save_score(
                    attempt_id,
                    ScoreResult(
                        overall=overall_score(criteria, competency.rubric),
                        scale_min=1,
                        scale_max=5,
                        criteria=criteria,
                        strengths=[strength],
                        improvements=[improvement],
                        stronger_answer=["Open with the goal and the constraint.", "Close with the measurable result."],
                        follow_up="What would you do differently if the deadline moved in by a month?",
                        star=StarCheck(situation=True, task=True, action=True, result=number % 2 == 0),
                        scorer="offline",
                    ),
                )
                with ctx.database.transaction() as conn:
                    conn.execute("UPDATE attempts SET created_at = ? WHERE id = ?", (stamp, attempt_id))
            ctx.sessions.end(session_id)
            with ctx.database.transaction() as conn:
                conn.execute("UPDATE sessions SET started_at = ? WHERE id = ?", (stamp, session_id))
            newest = session_id
    finally:
        ctx.close()
    return newest


def save_png(widget: object, path: Path, width: int) -> Path:
    """The widget as a PNG `width` pixels wide with a 256-colour palette of its most used colours.

    UI pictures are mostly flat areas, so keeping their exact colours and mapping the anti-aliased edges to
    the nearest one looks the same at about a third of the size.
    """
    import numpy as np
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    image = widget.grab().toImage().scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    row_pixels = image.bytesPerLine() // 4
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32, count=row_pixels * image.height())
    pixels = pixels.reshape(image.height(), row_pixels)[:, : image.width()]
    colours, counts = np.unique(pixels, return_counts=True)
    palette = [int(c) for c in colours[np.argsort(counts)[::-1][:256]]]
    flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
    image.convertToFormat(QImage.Format.Format_Indexed8, palette, flags).save(str(path), None, 0)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1000, help="width of the saved PNGs")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="tpm-screenshots-"))
    os.environ["TPM_COACH_DATA_DIR"] = str(home / "data")
    os.environ["TPM_COACH_CONFIG_DIR"] = str(home / "config")
    os.environ["TPM_COACH_LOG_DIR"] = str(home / "logs")
    newest = populate_demo()

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from tpm_coach.context import AppContext
    from tpm_coach.ui.messages import MessageSink
    from tpm_coach.ui.style import apply_style
    from tpm_coach.ui.workers import WorkerPool

    app = QApplication(sys.argv[:1])
    app.setApplicationName("TPM Coach")
    apply_style(app)
    context = AppContext()
    messages = MessageSink()
    workers = WorkerPool()
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 400) -> None:
        """Let workers finish and the window repaint (screenshots only; tests wait on signals)."""
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget: QWidget, name: str) -> None:
        path = save_png(widget, args.out / f"{name}.png", args.width)
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        print(f"wrote {shown} ({path.stat().st_size // 1024} KB)")

    from tpm_coach.ui.deps import ViewDeps
    from tpm_coach.ui.main_window import MainWindow

    window = MainWindow(ViewDeps.build(context, messages, workers))
    window.resize(WIDTH, HEIGHT)
    window.show()
    settle()
    # Each shot shows a view and returns the widget to picture when it is not the window (a dialog).
    shots: list[tuple[str, Callable[[], QWidget | None]]] = [
        ("practice", lambda: window.navigate("practice")),
        ("history", lambda: window.navigate("history")),
        ("session", lambda: _open_session(window, newest)),
        ("feedback", lambda: _open_feedback(window, context, newest)),
        ("progress", lambda: window.navigate("progress")),
        ("banks", lambda: window.navigate("banks")),
        ("bank-editing", lambda: _edit_a_copy(window)),
        ("settings", lambda: window.navigate("settings")),
        ("first-start", lambda: _open_guide(window)),
    ]
    for name, show in shots:
        shown = show() or window
        settle()
        save(shown, name)
        if shown is not window:
            shown.close()
    banks = window.view("banks")
    draft = getattr(banks, "draft", None)
    if draft is not None:
        draft.revert()
    window.shutdown()
    workers.shutdown()
    return 0


def _open_session(window: object, session_id: int) -> None:
    navigate: Callable[[str], None] = getattr(window, "navigate")  # noqa: B009 - the window is built lazily
    navigate("history")
    history = getattr(window, "view")("history")  # noqa: B009
    history.open_session(session_id)


def _open_feedback(window: object, context: object, session_id: int) -> None:
    """The feedback on the newest session's first answer: the verdict, the criteria and the transcript."""
    attempts = getattr(context, "attempts")  # noqa: B009
    first = attempts.list_for_session(session_id)[0]
    getattr(window, "show_attempt")(first.id)  # noqa: B009


def _open_guide(window: object) -> QWidget:
    """The first-start guide over the window, on its first step (the microphone check)."""
    from tpm_coach.ui.main_window import MainWindow
    from tpm_coach.ui.onboarding import open_guide

    assert isinstance(window, MainWindow)
    guide = open_guide(window)
    guide.resize(720, 420)
    return guide


def _edit_a_copy(window: object) -> None:
    """Duplicate the built-in bank and make one invalid edit, to show inline validation."""
    banks = getattr(window, "view")("banks")  # noqa: B009
    banks.bank_actions.duplicate_bank("my-tpm-bank", "My TPM bank")
    banks.outline.select_path(("questions", 1))
    banks.current_form().editor("text").edit.setPlainText("")
    banks.validate_now()


if __name__ == "__main__":
    sys.exit(main())
