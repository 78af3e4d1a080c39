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
from tpm_coach.storage.instance_lock import lock_data_folder
from tpm_coach.stories import StoryStore, encode_stories, load_stories, match_story, stories_path, suggest_stories
from tpm_coach.stories.schema import story_json_schema

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: Any) -> None:
    stories = subparsers.add_parser(
        "stories", help="manage your STAR story bank", description="Manage your prepared STAR stories."
    )
    commands = stories.add_subparsers(dest="stories_command", metavar="ACTION", required=True)

    p = commands.add_parser("validate", help="check story files; exit 2 with one line per problem")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=_reporting(_validate))

    p = commands.add_parser("import", help="add the stories in FILE to yours (stories you hold are kept)")
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument("--replace", action="store_true", help="replace a story of yours with the same id")
    p.set_defaults(handler=_reporting(_import))

    p = commands.add_parser("export", help="write your stories as YAML or JSON")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(handler=_reporting(_export))

    p = commands.add_parser("list", help="list your stories and the skills each shows")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_reporting(_list))

    p = commands.add_parser("match", help="which of your stories a transcript retells")
    p.add_argument("--question", metavar="ID", help="also suggest the two stories that best fit this question")
    p.add_argument("--transcript-file", type=Path, required=True, metavar="F", help="UTF-8 text file, or - for stdin")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_reporting(_match))

    p = commands.add_parser("schema", help="print the JSON Schema of the story file (for editors)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.set_defaults(handler=_schema)


def _reporting(handler: Handler) -> Handler:
    """Every problem of a story file on its own line (the shared handler shows only the first three)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except StoryError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            if exc.hint:
                print(exc.hint, file=sys.stderr)
            return 2

    return run


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


def _schema(args: argparse.Namespace) -> int:
    write_output(json.dumps(story_json_schema(), indent=2) + "\n", args.output)
    return 0
