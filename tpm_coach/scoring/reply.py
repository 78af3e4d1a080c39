"""The LLM's reply: its JSON schema, validation against the rubric, and turning the sentence numbers it cites into
exact spans of the answer. A score above the rubric's middle anchor that no sentence backs is capped (see
docs/llm-scoring.md)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tpm_coach.domain import Competency, CriterionScore, Evidence, Question, QuestionKind, StarCheck
from tpm_coach.language.sentences import Sentence, split_sentences
from tpm_coach.language.tokens import NormalisedText, normalise
from tpm_coach.scoring.text import find_quote_parts

MAX_LIST_ITEMS = 5
MAX_ITEM_CHARS = 400
MAX_RATIONALE_CHARS = 600


class _Lenient(BaseModel):
    # Shape is forgiven (extra keys, a string where a list was asked); content is not.
    model_config = ConfigDict(extra="ignore")


def _as_list(value: object) -> object:
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [] if value is None else value


_NUMBER_RE = re.compile(r"\d+")


def _as_numbers(value: object) -> object:
    """Sentence numbers as the model wrote them: 3, "3", "[3]", "S3", "3-4" or a list of those."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    numbers: list[int] = []
    for item in items:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            numbers.append(item)
        elif isinstance(item, str):
            found = [int(n) for n in _NUMBER_RE.findall(item)]
            if len(found) == 2 and "-" in item and 0 < found[1] - found[0] < 20:  # a range such as "3-5"
                found = list(range(found[0], found[1] + 1))
            numbers.extend(found)
    return numbers


class CriterionReply(_Lenient):
    sentences: list[int] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)  # quotes, from a model that ignored the numbers
    rationale: str = ""
    score: int

    _listify = field_validator("evidence", mode="before")(_as_list)
    _numbers = field_validator("sentences", mode="before")(_as_numbers)


class StarReply(_Lenient):
    situation: bool = False
    task: bool = False
    action: bool = False
    result: bool = False


class LlmReply(_Lenient):
    criteria: dict[str, CriterionReply]
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    stronger_answer: list[str] = Field(default_factory=list)
    follow_up: str = ""
    star: StarReply | None = None

    _listify = field_validator("strengths", "improvements", "stronger_answer", mode="before")(_as_list)

    @field_validator("criteria", mode="before")
    @classmethod
    def _keyed_by_id(cls, value: object) -> object:
        """Accept the schema's {id: {...}} and also the [{"id": ..., ...}] a schema-less server may send."""
        if isinstance(value, list):
            keyed: dict[str, object] = {}
            for item in value:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    keyed.setdefault(item["id"], item)
            return keyed
        return value

    @field_validator("follow_up", mode="before")
    @classmethod
    def _first_follow_up(cls, value: object) -> object:
        if isinstance(value, list):
            return next((v for v in value if isinstance(v, str) and v.strip()), "")
        return "" if value is None else value


class InvalidReply(Exception):
    """The reply cannot be used; `problems` are sentences the model can be shown to correct it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ReplyLimits:
    """Length limits written into the schema, for small local models that otherwise ramble until cut off.
    Off by default: OpenAI's strict mode does not accept length keywords; llama.cpp and vLLM do."""

    max_text_chars: int = 200
    max_items: int = 3


def reply_json_schema(competency: Competency, behavioral: bool, limits: ReplyLimits | None = None) -> dict[str, Any]:
    """A strict JSON schema for the reply: every criterion id as a required key, scores as an enum.

    Without `limits`, only keywords that OpenAI structured outputs, llama.cpp, vLLM and Ollama all honour
    are used (no length limits or numeric ranges), so one schema serves every server.
    """
    scale = competency.rubric.scale
    text: dict[str, Any] = {"type": "string"}
    text_list: dict[str, Any] = {"type": "array", "items": text}
    if limits is not None:
        text = {**text, "maxLength": limits.max_text_chars}
        text_list = {"type": "array", "items": text, "maxItems": limits.max_items}
    # Sentence numbers and the score come before the rationale: the score is grounded in what was cited, and a
    # slow local model has produced what matters most when the short rationale starts.
    criterion = {
        "type": "object",
        "properties": {
            "sentences": {"type": "array", "items": {"type": "integer"}},
            "score": {"type": "integer", "enum": list(range(scale.min, scale.max + 1))},
            "rationale": text,
        },
        "required": ["sentences", "score", "rationale"],
        "additionalProperties": False,
    }
    ids = [c.id for c in competency.rubric.criteria]
    properties: dict[str, Any] = {
        "criteria": {
            "type": "object",
            "properties": {i: criterion for i in ids},
            "required": ids,
            "additionalProperties": False,
        },
        "strengths": text_list,
        "improvements": text_list,
        "stronger_answer": text_list,
        "follow_up": text,
    }
    if behavioral:
        parts = ["situation", "task", "action", "result"]
        properties["star"] = {
            "type": "object",
            "properties": {p: {"type": "boolean"} for p in parts},
            "required": parts,
            "additionalProperties": False,
        }
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _extract_json(content: str) -> str:
    """The JSON object inside a reply; servers in JSON mode sometimes still wrap it in a code fence."""
    text = content.strip()
    if text.startswith("```"):
        first, last = text.find("{"), text.rfind("}")
        if 0 <= first < last:
            return text[first : last + 1]
    return text


def parse_reply(content: str | None, competency: Competency) -> LlmReply:
    """Validate the model's message content against the rubric. Raises InvalidReply listing what is wrong."""
    if not content or not content.strip():
        raise InvalidReply(["the reply was empty"])
    try:
        # strict=False lets raw tabs and newlines inside strings through: small local models emit them, and the
        # content is validated field by field anyway.
        data = json.loads(_extract_json(content), strict=False)
    except json.JSONDecodeError as exc:
        raise InvalidReply([f"the reply is not valid JSON ({exc.msg} at character {exc.pos})"]) from exc
    if not isinstance(data, dict):
        raise InvalidReply(["the reply must be a JSON object"])
    try:
        reply = LlmReply.model_validate(data)
    except ValidationError as exc:
        raise InvalidReply(
            [f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in exc.errors(include_url=False)]
        ) from exc
    problems = []
    scale = competency.rubric.scale
    for c in competency.rubric.criteria:
        scored = reply.criteria.get(c.id)
        if scored is None:
            problems.append(f"criteria.{c.id} is missing: every criterion must be scored")
        elif not scale.contains(scored.score):
            problems.append(f"criteria.{c.id}.score is {scored.score}, outside the scale {scale.min}-{scale.max}")
    if problems:
        raise InvalidReply(problems)
    return reply


def _clean_items(items: list[str], limit: int = MAX_LIST_ITEMS) -> list[str]:
    out: list[str] = []
    for item in items:
        text = " ".join(item.split())[:MAX_ITEM_CHARS]
        if text and text not in out:
            out.append(text)
    return out[:limit]


def middle_anchor(competency: Competency) -> int:
    """The highest score an unbacked criterion may keep: the rubric's middle anchor (3 on a 1-5 scale with anchors
    at 1, 3 and 5), or the middle of the scale when the anchors leave it open."""
    scale = competency.rubric.scale
    middle = (scale.min + scale.max) // 2
    anchors = sorted({a for c in competency.rubric.criteria for a in c.anchors if scale.min < a < scale.max})
    return min(anchors, key=lambda a: (abs(a - middle), a)) if anchors else middle


def _cited_spans(
    scored: CriterionReply, transcript: str, sentences: list[Sentence], index: NormalisedText
) -> tuple[list[Evidence], int]:
    """Evidence for the cited sentence numbers (exact by construction) and any quotes that are really in the answer;
    with the number of citations that pointed at nothing."""
    evidence: list[Evidence] = []
    unknown = 0
    for number in scored.sentences:
        if 1 <= number <= len(sentences):
            s = sentences[number - 1]
            item = Evidence(quote=s.text, start=s.start, end=s.end)
            if item not in evidence:
                evidence.append(item)
        else:
            unknown += 1
    for quote in scored.evidence:
        if not quote.strip():
            continue
        spans = find_quote_parts(quote, index)
        if spans is None:
            unknown += 1
            continue
        for start, end in spans:
            item = Evidence(quote=transcript[start:end], start=start, end=end)
            if item not in evidence:
                evidence.append(item)
    return sorted(evidence, key=lambda e: e.start or 0), unknown


def verified_criteria(
    reply: LlmReply, competency: Competency, transcript: str
) -> tuple[list[CriterionScore], list[str]]:
    """Criterion scores in rubric order, each with the spans its cited sentences cover, plus notes for the
    candidate. A score above the middle anchor with no cited sentence is capped there and flagged, so an
    unbacked judgement never counts as a confident one. Unknown criterion ids in the reply are ignored."""
    index: NormalisedText = normalise(transcript)
    sentences = split_sentences(transcript)
    ceiling = middle_anchor(competency)
    scores: list[CriterionScore] = []
    notes: list[str] = []
    for criterion in competency.rubric.criteria:
        scored = reply.criteria[criterion.id]
        evidence, unknown = _cited_spans(scored, transcript, sentences, index)
        rationale = " ".join(scored.rationale.split())[:MAX_RATIONALE_CHARS]
        score, flagged, capped_from = scored.score, False, None
        if not evidence and score > ceiling:
            capped_from, score, flagged = score, ceiling, True
            notes.append(
                f"{criterion.name}: the judge gave {capped_from} but cited no sentence of the answer; "
                f"capped at {ceiling}, the middle anchor."
            )
        elif not evidence and score > competency.rubric.scale.min:
            flagged = True
            notes.append(f"{criterion.name}: the score cites no sentence of the answer; treat it with care.")
        elif unknown:
            flagged = True
            plural = "s" if unknown != 1 else ""
            notes.append(
                f"{criterion.name}: {unknown} citation{plural} pointed at nothing in the answer and "
                f"{'were' if plural else 'was'} dropped."
            )
        scores.append(
            CriterionScore(
                id=criterion.id,
                score=score,
                rationale=rationale,
                evidence=evidence,
                flagged=flagged,
                capped_from=capped_from,
            )
        )
    return scores, notes


def feedback_fields(reply: LlmReply, question: Question) -> dict[str, Any]:
    """Feedback from the reply; where the model left the outline or the follow-up empty, the question bank's own
    are used, so the candidate always has both."""
    star = reply.star if question.kind is QuestionKind.BEHAVIORAL else None
    follow_up = " ".join(reply.follow_up.split())[:MAX_ITEM_CHARS]
    return {
        "strengths": _clean_items(reply.strengths),
        "improvements": _clean_items(reply.improvements),
        "stronger_answer": _clean_items(reply.stronger_answer, limit=8) or list(question.strong_answer),
        "follow_up": follow_up or (question.follow_ups[0] if question.follow_ups else ""),
        "star": StarCheck(**star.model_dump()) if star is not None else None,
    }
