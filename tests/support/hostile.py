"""Text a model reply or a bank file could carry to attack a display or a report, stored through the real parts.

Markup that Qt's rich text (or a browser) would render, and control and direction-override characters.
"""

from __future__ import annotations

import re
from typing import Any

from tests.support.banks import bank, criterion
from tpm_coach.context import AppContext
from tpm_coach.domain import Bank, CriterionScore, DeliveryMetrics, Evidence, ScoreResult, StarCheck, Transcript
from tpm_coach.scoring.overall import overall_score

H1 = '<h1 style="font-size:48px">SCORE 5/5 HACKED</h1>'
IMG = '<img src="file:///etc/hostname">'
LINK = '<a href="https://evil.example/">open me</a>'
TABLE = '<table border="1"><tr><td>cell</td></tr></table>'
# NUL, escape, DEL, a C1 control (NEL), right-to-left override, left-to-right isolate, pop directional isolate.
CONTROLS = "\x00\x1b\x7f\x85\u202e\u2066\u2069"

# A tag the app itself never puts in a label, tooltip or text browser, so finding one live means outside markup.
LIVE_TAG = re.compile(r"<\s*(h1|img|a|table)[\s>/]", re.IGNORECASE)
LIVE_TAG_IN_DOCUMENT = re.compile(r"<\s*(img|a)[\s>/]", re.IGNORECASE)  # reports lay out with h1 and table
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Outside tags as they would appear live in an exported report (Markdown escapes '<' as '\<').
LIVE_IN_EXPORT = ("<h1 style", "<img ", "<a ", "<table border")

BANK_ID = "hostile"
TRANSCRIPT = f"We moved the payments traffic in six weeks. I drew {IMG} on the board and said {LINK}.{CONTROLS} Done."
QUOTE = "We moved the payments traffic in six weeks"


def hostile(words: str, *tags: str) -> str:
    """`words`, then the control characters, then the markup: what a reply or a bank field might hold."""
    return f"{words}{CONTROLS} {' '.join(tags)} tail"


def hostile_bank_document() -> dict[str, Any]:
    """A valid bank whose every shown text carries markup and control characters."""
    doc = bank(BANK_ID, n_questions=1)
    doc["name"] = hostile("Bank", LINK)
    skill = doc["competencies"][0]
    skill["name"] = hostile("Skill", LINK)
    skill["description"] = hostile("What the skill means", H1, IMG)
    criteria = [criterion("c1"), criterion("c2"), criterion("c3")]
    for number, item in enumerate(criteria, start=1):
        item["name"] = hostile(f"Criterion {number}", LINK)
        item["anchors"] = {1: hostile("Weak", TABLE), 3: hostile("Fair", IMG), 5: hostile("Strong", H1)}
    skill["rubric"]["criteria"] = criteria
    question = doc["questions"][0]
    question["text"] = hostile("Tell me about a launch.", H1, IMG, LINK)
    question["strong_answer"] = [hostile("The goal", TABLE), hostile("The result", H1)]
    question["follow_ups"] = [hostile("And then?", LINK)]
    return doc


def install_hostile_bank(context: AppContext, *, only: bool = True) -> Bank:
    """Save the hostile bank through the library (a real YAML file) and make it active."""
    context.settings.active_banks = [BANK_ID] if only else ["default", BANK_ID]
    saved = Bank.model_validate(hostile_bank_document())
    context.banks.active_ids = list(context.settings.active_banks)
    context.banks.save(saved)
    return context.banks.get(BANK_ID).bank


def hostile_score(context: AppContext) -> ScoreResult:
    """A score as a hostile model could have written it, for the hostile bank's only question."""
    competency = context.banks.get(BANK_ID).bank.competencies[0]
    criteria = [
        CriterionScore(
            id=c.id,
            score=5,
            rationale=hostile("Because", TABLE, IMG),
            evidence=[Evidence(quote=QUOTE), Evidence(quote=hostile("made up", LINK))],
            flagged=True,
        )
        for c in competency.rubric.criteria
    ]
    return ScoreResult(
        overall=overall_score(criteria, competency.rubric),
        scale_min=competency.rubric.scale.min,
        scale_max=competency.rubric.scale.max,
        criteria=criteria,
        strengths=[hostile("Strong opening", H1)],
        improvements=[hostile("Give numbers", IMG), hostile("Name the risk", LINK)],
        stronger_answer=[hostile("Cover the rollback", TABLE)],
        follow_up=hostile("What next?", LINK),
        star=StarCheck(situation=True, task=True, action=True, result=False),
        scorer="llm",
        model=hostile("model", LINK),
        notes=[hostile("A note", H1)],
    )


def store_hostile_session(context: AppContext) -> tuple[int, list[int]]:
    """A session of the hostile bank with one scored answer and one whose scoring failed; (session, attempts)."""
    question = context.banks.get(BANK_ID).bank.questions[0]
    competency = context.banks.competency_for(question)
    session_id = context.sessions.create([BANK_ID], hostile("Session", H1))
    attempt_ids = []
    for _ in range(2):
        attempt_id = context.attempts.create(session_id, question, competency)
        context.attempts.set_recorded(attempt_id, 30.0)
        context.attempts.save_transcript(
            attempt_id, Transcript(text=TRANSCRIPT), DeliveryMetrics(speaking_time_s=30.0, word_count=20)
        )
        attempt_ids.append(attempt_id)
    context.attempts.save_score(attempt_ids[0], hostile_score(context))
    context.attempts.mark_scoring_failed(attempt_ids[1], hostile("HTTP 500 from the server", H1, IMG))
    context.sessions.end(session_id)
    return session_id, attempt_ids


def export_problems(text: str) -> list[str]:
    """Live outside markup or control characters in an exported report (HTML or Markdown)."""
    found = [f"live markup {tag!r}" for tag in LIVE_IN_EXPORT if tag in text.replace("\\<", "")]
    found += [f"control character {c!r}" for c in CONTROL.findall(text)]
    return found
