"""Versioned prompt templates from prompts/ and the chat messages built from them.

A template is a Markdown file with `# system` and/or `# user` sections and `{{name}}` placeholders. Its
version, stored with every score, is `<file stem>@<first 12 hex of the file's sha256>`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tpm_coach import paths
from tpm_coach.domain import Competency, Question, QuestionKind
from tpm_coach.language.sentences import split_sentences
from tpm_coach.scoring.exemplars import calibration_exemplars, render_calibration

SCORE_TEMPLATE = "score_answer.v2"
# Used when the bank gives graded exemplars for the question or its competency; v2 stays the prompt without them,
# so scores of banks without exemplars keep their prompt and version.
EXEMPLAR_TEMPLATE = "score_answer.v3"
REPAIR_TEMPLATE = "repair_json.v2"

_SECTION_RE = re.compile(r"^# (system|user)[ \t]*$", re.MULTILINE)
_PLACEHOLDER_RE = re.compile(r"\{\{([a-z_]+)\}\}")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    system: str
    user: str

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER_RE.findall(self.system + self.user))

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        """(system, user) with every placeholder filled; a missing or unknown value is a defect."""
        missing = self.placeholders - values.keys()
        unknown = values.keys() - self.placeholders
        if missing or unknown:
            raise ValueError(f"prompt {self.version}: missing {sorted(missing)}, unexpected {sorted(unknown)}")

        def fill(text: str) -> str:
            # One pass over the template, so a value that happens to contain "{{x}}" stays literal.
            return _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], text).strip()

        return fill(self.system), fill(self.user)


def load_template(name: str, folder: Path | None = None) -> PromptTemplate:
    """Read the template afresh each time (a few KB): the version stored with a score must describe the
    file as it was when the prompt was built, even if someone edited it while the app was running."""
    path = (folder or paths.prompts_dir()) / f"{name}.md"
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:12]
    text = raw.decode("utf-8")
    sections: dict[str, str] = {"system": "", "user": ""}
    marks = list(_SECTION_RE.finditer(text))
    if not marks:
        raise ValueError(f"{path}: a prompt template needs a '# system' or '# user' section")
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(text)
        sections[mark.group(1)] = text[mark.end() : end].strip()
    return PromptTemplate(path.stem, f"{path.stem}@{digest}", sections["system"], sections["user"])


def answer_fence(transcript: str) -> tuple[str, str]:
    """Marker lines around the answer, named by a hash of the answer itself.

    An answer cannot close the fence early: it would have to contain a hash of itself. Unlike a random marker,
    the same answer always gets the same prompt, so scoring it twice differs only by the model's own variance.
    """
    seed = transcript
    while True:
        token = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()[:16].upper()
        if token not in transcript.upper():
            return f"<<<ANSWER {token}>>>", f"<<<END ANSWER {token}>>>"
        seed += "\0"  # practically unreachable; keeps the marker out of the answer regardless


def numbered_answer(transcript: str) -> str:
    """The answer as the model sees it: one sentence a line, each after its number. The model cites these numbers
    as evidence, and the app turns them back into spans of the transcript, so every highlight is exact."""
    return "\n".join(f"[{number}] {s.text}" for number, s in enumerate(split_sentences(transcript), start=1))


def render_rubric(competency: Competency) -> str:
    blocks = []
    for criterion in competency.rubric.criteria:
        lines = [f"### `{criterion.id}`: {criterion.name} (weight {criterion.weight:g})", "Listen for:"]
        lines += [f"- {signal}" for signal in criterion.listen_for]
        lines.append("Anchors:")
        lines += [f"- {score}: {text}" for score, text in sorted(criterion.anchors.items())]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def is_behavioral(question: Question) -> bool:
    return question.kind is QuestionKind.BEHAVIORAL


@dataclass(frozen=True)
class ScoringPrompt:
    messages: list[dict[str, str]]
    version: str


def build_scoring_prompt(
    question: Question, competency: Competency, transcript: str, template: PromptTemplate | None = None
) -> ScoringPrompt:
    examples = calibration_exemplars(question, competency)
    template = template or load_template(EXEMPLAR_TEMPLATE if examples else SCORE_TEMPLATE)
    answer = numbered_answer(transcript)
    opener, closer = answer_fence(answer)
    scale = competency.rubric.scale
    star = (
        '- "star": an object with booleans "situation", "task", "action" and "result": whether the answer '
        "clearly states each part of the STAR structure."
        if is_behavioral(question)
        else ""
    )
    values = {
        "question_kind": question.kind.value,
        "question_level": question.level.value,
        "question_text": question.text,
        "strong_answer": "\n".join(f"- {point}" for point in question.strong_answer),
        "competency_name": competency.name,
        "competency_description": competency.description,
        "scale_min": str(scale.min),
        "scale_max": str(scale.max),
        "rubric": render_rubric(competency),
        "criterion_ids": ", ".join(c.id for c in competency.rubric.criteria),
        "star_instruction": star,
        "answer_open": opener,
        "transcript": answer,
        "answer_close": closer,
    }
    if "calibration" in template.placeholders:
        values["calibration"] = render_calibration(examples, competency) or "(no graded examples)"
    system, user = template.render(values)
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": user})
    return ScoringPrompt(messages, template.version)


def build_repair_message(
    problems: list[str], competency: Competency, template: PromptTemplate | None = None
) -> tuple[dict[str, str], str]:
    """The follow-up user message asking for a corrected reply, and the repair template's version."""
    template = template or load_template(REPAIR_TEMPLATE)
    scale = competency.rubric.scale
    _, user = template.render(
        {
            "problems": "\n".join(f"- {p}" for p in problems),
            "criterion_ids": ", ".join(c.id for c in competency.rubric.criteria),
            "scale_min": str(scale.min),
            "scale_max": str(scale.max),
        }
    )
    return {"role": "user", "content": user}, template.version
