"""`tpm-coach bank ...`: validate, list, import, export, duplicate and describe question banks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tpm_coach.banks import (
    DEFAULT_BANK_ID,
    BankLibrary,
    bank_files,
    banks_to_export,
    dump_json,
    dump_yaml,
    encode_bank,
    load_bank,
)
from tpm_coach.cli.common import context, write_output
from tpm_coach.config import save_settings
from tpm_coach.context import AppContext
from tpm_coach.domain import Bank
from tpm_coach.errors import BankError, BankProblem
from tpm_coach.paths import default_bank_path
from tpm_coach.storage.instance_lock import lock_data_folder


def register(subparsers: Any) -> None:
    bank = subparsers.add_parser("bank", help="manage question banks", description="Manage question banks.")
    commands = bank.add_subparsers(dest="bank_command", metavar="ACTION", required=True)

    p = commands.add_parser("validate", help="check bank files; exit 2 with one line per problem")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="bank files or folders of *.yaml")
    p.set_defaults(handler=_validate)

    p = commands.add_parser("list", help="list banks and which are active")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_list)

    p = commands.add_parser("import", help="copy a bank file (or every *.yaml in a folder) into your banks")
    p.add_argument("path", type=Path, metavar="PATH")
    p.add_argument("--replace", action="store_true", help="replace a bank of yours with the same id")
    p.add_argument("--inactive", action="store_true", help="import without adding it to the active banks")
    p.set_defaults(handler=_import)

    p = commands.add_parser("activate", help="practise with these banks too (several can be active)")
    p.add_argument("bank_ids", nargs="+", metavar="ID")
    p.set_defaults(handler=_activate)

    p = commands.add_parser("deactivate", help="stop practising with these banks")
    p.add_argument("bank_ids", nargs="+", metavar="ID")
    p.set_defaults(handler=_deactivate)

    p = commands.add_parser("export", help="write the bank(s), normalised, as JSON or YAML")
    p.add_argument("--bank", action="append", metavar="ID", help="bank id (repeatable); default: the active banks")
    p.add_argument("--format", choices=("json", "yaml"), default="yaml")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(handler=_export)

    p = commands.add_parser("duplicate", help="copy a bank (e.g. the built-in one) to customise it")
    p.add_argument("source", metavar="SOURCE_ID")
    p.add_argument("--id", required=True, dest="new_id", help="id of the new bank")
    p.add_argument("--name", help="display name of the new bank")
    p.set_defaults(handler=_duplicate)

    p = commands.add_parser("delete", help="delete one of your banks")
    p.add_argument("bank_id", metavar="ID")
    p.set_defaults(handler=_delete)

    p = commands.add_parser("schema", help="print the JSON Schema of the bank format (for editors)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.set_defaults(handler=_schema)


def _validate(args: argparse.Namespace) -> int:
    default = load_bank(default_bank_path())
    problems: list[BankProblem] = []
    for target in args.paths:
        files = bank_files(target) if target.is_dir() else [target]
        if not files:
            problems.append(BankProblem(str(target), "", "no .yaml files in this folder"))
        for file in files:
            try:
                bank = load_bank(file, default.competencies)
                encode_bank(bank, str(file))  # an import saves this form: it must pass the same limits
            except BankError as exc:
                problems.extend(exc.problems)
                continue
            print(f"{file}: ok ({len(bank.competencies)} competencies, {len(bank.questions)} questions)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 2 if problems else 0


def _library() -> BankLibrary:
    return context().banks


@contextmanager
def _changing_banks() -> Iterator[AppContext]:
    """The context for a command that changes banks, owning the data folder meanwhile (refused while the
    desktop app owns it: its bank editor and practice setup would not see the change)."""
    ctx = context()
    with lock_data_folder(ctx.data_paths.root):
        yield ctx


def _list(args: argparse.Namespace) -> int:
    library = _library()
    rows = [
        {
            "id": loaded.bank.id,
            "name": loaded.bank.name,
            "questions": len(loaded.bank.questions),
            "competencies": len(loaded.bank.competencies),
            "active": loaded.bank.id in library.active_ids,
            "read_only": loaded.read_only,
            "path": str(loaded.path),
        }
        for loaded in library.banks.values()
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            flags = ", ".join(f for f, on in (("active", row["active"]), ("read-only", row["read_only"])) if on)
            print(f"{row['id']:<24} {row['questions']:>4} questions  {row['name']}" + (f"  [{flags}]" if flags else ""))
    for problem in library.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    with _changing_banks() as ctx:
        imported = ctx.banks.import_path(args.path, replace=args.replace)
        for bank in imported:
            print(f"imported {bank.id}: {len(bank.questions)} questions")
        if not args.inactive:
            _set_active(ctx, [b.id for b in imported], active=True)
    return 0


def _set_active(ctx: AppContext, bank_ids: list[str], *, active: bool) -> None:
    for bank_id in bank_ids:
        ctx.banks.get(bank_id)  # unknown ids are an error before anything is saved
    ids = [i for i in ctx.settings.active_banks if i not in bank_ids]
    if active:
        ids += bank_ids
    ctx.settings.active_banks = ids
    save_settings(ctx.settings)
    ctx.banks.active_ids = ids
    ctx.banks.reload()
    for problem in ctx.banks.problems:
        print(f"warning: {problem}", file=sys.stderr)
    print("active banks: " + (", ".join(ids) or "none"))


def _activate(args: argparse.Namespace) -> int:
    with _changing_banks() as ctx:
        _set_active(ctx, args.bank_ids, active=True)
    return 0


def _deactivate(args: argparse.Namespace) -> int:
    with _changing_banks() as ctx:
        _set_active(ctx, args.bank_ids, active=False)
    return 0


def _export(args: argparse.Namespace) -> int:
    library = _library()
    ids = args.bank or library.active_ids
    banks: list[Bank] = [library.get(i).bank for i in ids]
    data = banks_to_export(banks)
    text = dump_json(data) if args.format == "json" else dump_yaml(data)
    write_output(text, args.output)
    return 0


def _duplicate(args: argparse.Namespace) -> int:
    with _changing_banks() as ctx:
        copy = ctx.banks.duplicate(args.source, args.new_id, args.name)
    print(f"created bank {copy.id} with {len(copy.questions)} questions from {args.source}")
    if args.source == DEFAULT_BANK_ID:
        print("its question ids are prefixed with the new bank id so both banks can be active together")
    return 0


def _delete(args: argparse.Namespace) -> int:
    with _changing_banks() as ctx:
        ctx.banks.delete(args.bank_id)
    print(f"deleted bank {args.bank_id}")
    return 0


def bank_json_schema() -> dict[str, Any]:
    schema = Bank.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tpm_coach question bank"
    return schema


def _schema(args: argparse.Namespace) -> int:
    write_output(json.dumps(bank_json_schema(), indent=2) + "\n", args.output)
    return 0
