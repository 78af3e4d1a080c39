"""`tpm-coach stories ...`: validate, import, export and list the candidate's stories, and match an answer to them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tpm_coach.cli.common import context, write_output
from tpm_coach.cli.score import _read_transcript
from tpm_coach.context import AppContext
from tpm_coach.errors import KnownError, StoryError
from tpm_coach.storage import Database
from tpm_coach.storage.instance_lock import lock_data_folder
from tpm_coach.storage.stories import StoryLinkRepository
from tpm_coach.stories import StoryStore, encode_stories, load_stories, match_story, stories_path, suggest_stories
from tpm_coach.stories.coverage import Coverage, load_coverage
from tpm_coach.stories.drill import coverage_drill, score_story_drill, story_progress, weakest_skills
from tpm_coach.stories.schema import story_json_schema

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: Any) -> None:
    stories = subparsers.add_parser(
        "stories", help="manage your STAR story bank", description="Manage your prepared STAR stories."
    )
    commands = stories.add_subparsers(dest="stories_command", metavar="ACTION", required=True)

    p = commands.add_parser("validate", help="check story files; exit 2 with one line per problem")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=_validate)

    p = commands.add_parser("import", help="add the stories in FILE to yours (stories you hold are kept)")
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument("--replace", action="store_true", help="replace a story of yours with the same id")
    p.set_defaults(handler=_import)

    p = commands.add_parser("export", help="write your stories as YAML or JSON")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(handler=_export)

    p = commands.add_parser("list", help="list your stories and the skills each shows")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_list)

    p = commands.add_parser("match", help="which of your stories a transcript retells")
    p.add_argument("--question", metavar="ID", help="also suggest the two stories that best fit this question")
    p.add_argument("--transcript-file", type=Path, required=True, metavar="F", help="UTF-8 text file, or - for stdin")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_match)

    p = commands.add_parser("drill", help="score one story told in two minutes: STAR, a measured result, I vs we")
    p.add_argument("--story", required=True, metavar="ID")
    p.add_argument("--transcript-file", type=Path, required=True, metavar="F", help="UTF-8 text file, or - for stdin")
    p.add_argument("--duration-s", type=float, metavar="S", help="how long the telling took")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_drill)

    p = commands.add_parser("coverage", help="skills x stories, the gaps, and questions for the weakest skills")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_coverage)

    p = commands.add_parser("progress", help="each story's scores over time")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_progress)

    p = commands.add_parser("schema", help="print the JSON Schema of the story file (for editors)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.set_defaults(handler=_schema)


def _store(ctx: AppContext) -> StoryStore:
    return StoryStore(stories_path(ctx.data_paths), [c.id for c in ctx.banks.competencies()])


def _validate(args: argparse.Namespace) -> int:
    skills = [c.id for c in context().banks.competencies()]
    problems: list[str] = []
    for path in args.paths:
        try:
            stories = load_stories(path, skills)
            encode_stories(stories)  # an import saves this form: it must pass the same limits
        except StoryError as exc:
            problems.extend(exc.problems)
            continue
        print(f"{path}: ok ({len(stories)} stories)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 2 if problems else 0


def _import(args: argparse.Namespace) -> int:
    ctx = context()
    store = _store(ctx)
    incoming = load_stories(args.path, store.known_skills)
    with lock_data_folder(ctx.data_paths.root):
        outcome = store.import_stories(incoming, replace=args.replace)
    for story_id in outcome.added:
        print(f"added {story_id}")
    for story_id in outcome.replaced:
        print(f"replaced {story_id}")
    for story_id in outcome.kept:
        print(f"kept your story {story_id} (a story with this id is already saved; --replace overwrites it)")
    return 0


def _export(args: argparse.Namespace) -> int:
    stories = _store(context()).load()
    write_output(encode_stories(stories, args.format).decode("utf-8"), args.output)
    return 0


def _list(args: argparse.Namespace) -> int:
    stories = _store(context()).load()
    if args.json:
        rows = [{"id": s.id, "title": s.title, "skills": s.skills, "when": s.when, "role": s.role} for s in stories]
        print(json.dumps(rows, indent=2))
        return 0
    if not stories:
        print("no stories yet: write a file (see docs/stories.md) and `tpm-coach stories import FILE`")
    for s in stories:
        print(f"{s.id:<24} {s.title}  [{', '.join(s.skills)}]")
    return 0


def _match(args: argparse.Namespace) -> int:
    ctx = context()
    transcript = _read_transcript(args.transcript_file)
    if not transcript.strip():
        raise KnownError(f"{args.transcript_file}: the transcript is empty", "pass the text of a spoken answer")
    question = ctx.banks.question(args.question) if args.question else None
    stories = _store(ctx).load()
    result = match_story(transcript, stories)
    out: dict[str, Any] = result.as_json()
    if question is not None:
        out["question"] = question.id
        out["suggested"] = [s.story.id for s in suggest_stories(question, stories)]
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    if not stories:
        print("you hold no stories yet; this answer would be a new one")
    elif result.story_id is None:
        print(f"a new story (closest: {result.candidates[0].story_id}, similarity {result.similarity:.2f})")
    else:
        print(f"retells {result.story_id} (similarity {result.similarity:.2f})")
    if question is not None:
        print("suggested for this question: " + ", ".join(out["suggested"]))
    return 0


def _drill(args: argparse.Namespace) -> int:
    transcript = _read_transcript(args.transcript_file)
    if not transcript.strip():
        raise KnownError(f"{args.transcript_file}: the transcript is empty", "pass the text of the story as told")
    story = _store(context()).get(args.story)
    result = score_story_drill(transcript, story, args.duration_s)
    if args.json:
        print(json.dumps({"story": story.id, **result.as_json()}, indent=2))
        return 0
    print(f"{story.title}: {result.score}/5")
    for line in result.advice() or ["Complete: every STAR part, a measured result and your own role."]:
        print(f"  {line}")
    return 0


def _coverage_now(ctx: AppContext) -> Coverage:
    skills = [(c.id, c.name) for c in ctx.banks.competencies()]
    return load_coverage(ctx.data_paths.database, _store(ctx).load, skills)


def _coverage(args: argparse.Namespace) -> int:
    ctx = context()
    cov = _coverage_now(ctx)
    questions = coverage_drill(cov, [q for q in ctx.banks.questions() if q.kind.value == "behavioral"])
    out: dict[str, Any] = {
        "skills": [
            {
                "id": skill_id,
                "name": name,
                "stories": [
                    {"id": s.id, **_cell_json(cov, skill_id, s.id)}
                    for s in cov.stories
                    if cov.cell(skill_id, s.id).covers or cov.cell(skill_id, s.id).uses
                ],
            }
            for skill_id, name in cov.skills
        ],
        "skills_without_story": list(cov.skills_without_story),
        "never_practised": list(cov.never_practised),
        "overloaded": list(cov.overloaded),
        "weakest_skills": weakest_skills(cov),
        "drill_questions": [q.id for q in questions],
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    for skill in out["skills"]:
        print(f"{skill['name']:<36} {', '.join(s['id'] for s in skill['stories']) or '(no story)'}")
    for gap in cov.gaps():
        print(f"gap: {gap}")
    print("coverage drill: " + (", ".join(out["drill_questions"]) or "no questions"))
    return 0


def _cell_json(cov: Coverage, skill_id: str, story_id: str) -> dict[str, Any]:
    cell = cov.cell(skill_id, story_id)
    strength = None if cell.strength is None else round(cell.strength, 3)
    return {"covers": cell.covers, "uses": cell.uses, "strength": strength}


def _progress(args: argparse.Namespace) -> int:
    ctx = context()
    with Database.open(ctx.data_paths.database) as db:
        series = story_progress(StoryLinkRepository(db).uses())
    stories = _store(ctx).load()
    rows: list[dict[str, Any]] = [
        {"id": s.id, "title": s.title, "answers": [{"at": at, "strength": v} for at, v in series.get(s.id, [])]}
        for s in stories
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        scores = [f"{a['strength']:.0%}" for a in row["answers"] if a["strength"] is not None]
        print(f"{row['id']:<24} {len(row['answers'])} answers  {' '.join(scores)}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    write_output(json.dumps(story_json_schema(), indent=2) + "\n", args.output)
    return 0
