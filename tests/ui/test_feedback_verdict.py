"""The verdict block: a typed answer scored by the loopback LLM server opens with its score, its strongest
point and the one fix worth most, each quoting the answer, with Try again; at the default window size the
verdict and the transcript are both on screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.support.openai_server import OpenAIStubServer, RecordedRequest, Reply, json_reply, score_payload
from tests.ui.conftest import use_stub_llm
from tests.ui.practice_support import ANSWER, start_one_question
from tpm_coach.practice import Phase
from tpm_coach.ui.main_window import MainWindow


def _uneven_reply(window: MainWindow) -> object:
    """The first criterion scores 5 on the answer's first sentence, the last 2 on its third; the rest 3."""

    def respond(_request: RecordedRequest) -> Reply:
        controller = window.practice.controller
        assert controller is not None and controller.turn is not None
        ids = [c.id for c in controller.turn.competency.rubric.criteria]
        scores = dict.fromkeys(ids, 3) | {ids[0]: 5, ids[-1]: 2}
        sentences = {key: [2] for key in ids} | {ids[0]: [1], ids[-1]: [3]}
        return json_reply(score_payload(ids, scores, sentences=sentences))

    return respond


def _on_screen(widget: QWidget, viewport: QWidget) -> bool:
    """Whether the top of `widget` (its first 60 pixels) lies inside the scroll area's viewport."""
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    shown = QRect(top_left, widget.size()).intersected(viewport.rect())
    return shown.height() >= min(60, widget.height()) and shown.width() > 0


def test_verdict_names_strength_and_fix_in_the_answers_words(
    qtbot: QtBot, main_window: MainWindow, stub_llm: OpenAIStubServer
) -> None:
    window = main_window
    window.resize(1180, 800)  # the window's default size
    use_stub_llm(window.context, stub_llm)
    stub_llm.script(_uneven_reply(window))
    start_one_question(qtbot, window, skill="planning-strategy")  # a question the typed answer addresses
    page = window.practice.question
    qtbot.mouseClick(page.type_instead, Qt.MouseButton.LeftButton)
    page.typed.setPlainText(ANSWER)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice.pages.currentIndex() == 3, timeout=15_000)

    controller = window.practice.controller
    assert controller is not None and controller.record is not None
    rubric = controller.record.competency.rubric
    first, last = rubric.criteria[0], rubric.criteria[-1]
    view = window.practice.feedback.view
    verdict = view.verdict.verdict
    assert verdict is not None and verdict.strongest is not None and verdict.fix is not None
    assert verdict.strongest.criterion_id == first.id
    # The fix: the step up worth most to the weighted overall score (the last criterion, at 2, unless another
    # at 3 weighs more in this rubric).
    scores = {c.id: 3 for c in rubric.criteria} | {last.id: 2}
    others = [c for c in rubric.criteria if c.id != first.id]
    fix = max(others, key=lambda c: (c.weight, -scores[c.id]))
    assert verdict.fix.criterion_id == fix.id
    said = ANSWER.split(". ")
    assert verdict.strongest.quote and verdict.strongest.quote.split()[0] in said[0]
    assert verdict.fix.quote and verdict.fix.quote.split()[0] in said[2 if fix is last else 1]
    assert first.name in view.verdict.strongest.text()
    assert fix.name in view.verdict.fix.text()
    # What the next score up sounds like, from the rubric.
    assert rubric.anchor_for(fix.id, scores[fix.id] + 1) in view.verdict.fix.text()
    assert view.verdict.isVisible() and view.overall.isVisible()

    # The verdict and the answer it quotes are both on screen without scrolling.
    viewport = view.viewport()
    assert _on_screen(view.verdict, viewport)
    assert _on_screen(view.transcript, viewport)

    # Criterion cards start closed and open on their arrow; no card repeats a rubric anchor its reasons quote.
    card = view.criteria.cards[0]
    assert not card.body.isVisible()
    qtbot.mouseClick(card.toggle, Qt.MouseButton.LeftButton)
    assert card.body.isVisible()

    retry = window.practice.feedback.retry
    assert retry.isVisible()
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.phase is Phase.QUESTION)
    assert window.practice.pages.currentIndex() == 1
