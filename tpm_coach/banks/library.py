"""The set of banks a user has: the read-only default plus their own, and the active selection."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tpm_coach import paths
from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.banks.loader import consistency_problems, load_bank
from tpm_coach.banks.store import encode_bank, save_bank
from tpm_coach.domain import Bank, Competency, Level, Question, QuestionKind
from tpm_coach.errors import BankError, BankProblem, KnownError

DEFAULT_BANK_ID = "default"
LEFTOVER_AGE_S = 600
_IMPORT_HINT = "nothing was imported"


def bank_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


@dataclass(frozen=True)
class LoadedBank:
    bank: Bank
    path: Path
    read_only: bool


class BankLibrary:
    """Loads every bank once; a broken file is reported in `problems` and the others keep loading."""

    def __init__(
        self, banks_dir: Path, active_ids: Iterable[str] = (DEFAULT_BANK_ID,), default_path: Path | None = None
    ):
        self.banks_dir = banks_dir
        self.default_path = default_path or paths.default_bank_path()
        self.active_ids = list(active_ids)
        self.banks: dict[str, LoadedBank] = {}
        self.problems: list[BankProblem] = []
        self.reload()

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._sweep_leftovers()
        self.banks.clear()
        self.problems.clear()
        default = load_bank(self.default_path)  # a broken built-in bank is a defect, not user error
        self.banks[default.id] = LoadedBank(default, self.default_path, read_only=True)
        for path in bank_files(self.banks_dir) if self.banks_dir.is_dir() else []:
            try:
                bank = load_bank(path, default.competencies)
            except BankError as exc:
                self.problems.extend(exc.problems)
                continue
            if bank.id in self.banks:
                self.problems.append(
                    BankProblem(
                        str(path), "id", f"bank id '{bank.id}' is already used by {self.banks[bank.id].path}", None
                    )
                )
                continue
            self.banks[bank.id] = LoadedBank(bank, path, read_only=False)
        self._check_active_ids()

    def _sweep_leftovers(self) -> None:
        """Remove temporary files left by a save that was killed before its rename (the bank itself is whole)."""
        if not self.banks_dir.is_dir():
            return
        cutoff = time.time() - LEFTOVER_AGE_S  # younger ones may belong to a save still in progress elsewhere
        for leftover in self.banks_dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()

    def _check_active_ids(self) -> None:
        """Question ids must be unique across the active banks; a later bank's clashing question is skipped."""
        seen: dict[str, str] = {}
        for bank in self.active_banks():
            for q in bank.questions:
                if q.id in seen:
                    self.problems.append(
                        BankProblem(
                            str(self.banks[bank.id].path),
                            "questions",
                            f"question id '{q.id}' is also used in active bank '{seen[q.id]}'; it is skipped",
                        )
                    )
                seen.setdefault(q.id, bank.id)

    # -- queries -------------------------------------------------------------------------------
    def get(self, bank_id: str) -> LoadedBank:
        try:
            return self.banks[bank_id]
        except KeyError:
            known = ", ".join(sorted(self.banks))
            raise KnownError(f"no bank with id '{bank_id}'", f"known banks: {known}") from None

    def active_banks(self) -> list[Bank]:
        return [self.banks[i].bank for i in self.active_ids if i in self.banks]

    def competencies(self) -> list[Competency]:
        """Competencies of the active banks and the default bank; the first definition of an id wins."""
        out: dict[str, Competency] = {}
        for bank in [*self.active_banks(), self.banks[DEFAULT_BANK_ID].bank]:
            for c in bank.competencies:
                out.setdefault(c.id, c)
        return list(out.values())

    def competency(self, competency_id: str) -> Competency:
        for c in self.competencies():
            if c.id == competency_id:
                return c
        known = ", ".join(c.id for c in self.competencies())
        raise KnownError(f"unknown competency '{competency_id}'", f"known competencies: {known}")

    def competency_for(self, question: Question) -> Competency:
        """The rubric a question is scored with: its own bank's definition, else the default bank's.

        A customised copy of the default bank keeps the competency ids (so progress compares over time)
        but its edited rubrics apply to its own questions.
        """
        for loaded in self.banks.values():
            if any(q.id == question.id for q in loaded.bank.questions):
                own = loaded.bank.competency(question.competency)
                if own is not None:
                    return own
        return self.competency(question.competency)

    def questions(
        self,
        competencies: Iterable[str] | None = None,
        kinds: Iterable[QuestionKind] | None = None,
        levels: Iterable[Level] | None = None,
    ) -> list[Question]:
        wanted_c = set(competencies) if competencies else None
        wanted_k = set(kinds) if kinds else None
        wanted_l = set(levels) if levels else None
        seen: set[str] = set()
        out = []
        for bank in self.active_banks():
            for q in bank.questions:
                if q.id in seen:
                    continue
                seen.add(q.id)
                if wanted_c is not None and q.competency not in wanted_c:
                    continue
                if wanted_k is not None and q.kind not in wanted_k:
                    continue
                if wanted_l is not None and q.level not in wanted_l:
                    continue
                out.append(q)
        return out

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        for loaded in self.banks.values():
            for q in loaded.bank.questions:
                if q.id == question_id:
                    return q
        raise KnownError(f"unknown question '{question_id}'", "see `tpm-coach bank export` for the question ids")

    # -- changes -------------------------------------------------------------------------------
    def import_path(self, source: Path, replace: bool = False) -> list[Bank]:
        """Import a bank file or every *.yaml/*.yml in a folder.

        All or nothing: every file is validated and encoded with the reader's limits before the first
        one is written, and if any written bank then fails to load, every file is put back as it was.
        """
        files = bank_files(source) if source.is_dir() else [source]
        if not files:
            raise KnownError(f"{source}: no .yaml files to import")
        loaded: list[tuple[Path, Bank]] = []
        problems: list[BankProblem] = []
        default_competencies = self.banks[DEFAULT_BANK_ID].bank.competencies
        for file in files:
            try:
                loaded.append((file, load_bank(file, default_competencies)))
            except BankError as exc:
                problems.extend(exc.problems)
        planned: list[tuple[Path, str, bytes]] = []
        for file, bank in loaded:
            existing = self.banks.get(bank.id)
            if existing and (existing.read_only or not replace):
                problems.append(
                    BankProblem(
                        str(file),
                        "id",
                        f"a bank with id '{bank.id}' already exists "
                        + ("(the built-in bank)" if existing.read_only else "(use --replace)"),
                    )
                )
                continue
            try:
                encoded = encode_bank(bank, str(file))
            except BankError as exc:
                problems.extend(exc.problems)
                continue
            target = existing.path if existing else self.banks_dir / f"{bank.id}.yaml"
            planned.append((target, bank.id, encoded))
        if problems:
            raise BankError(problems, _IMPORT_HINT)
        self._write_all_or_none(planned)
        return [bank for _, bank in loaded]

    def _write_all_or_none(self, planned: list[tuple[Path, str, bytes]]) -> None:
        previous = {path: path.read_bytes() if path.is_file() else None for path, _, _ in planned}
        written: list[Path] = []
        try:
            for path, _, encoded in planned:
                written.append(path)
                atomic_write_bytes(path, encoded)
            self.reload()
            # Encoding applies the reader's limits, so this is a last guard rather than the usual refusal.
            unloaded = [str(p) for p, bank_id, _ in planned if not self._loaded_from(bank_id, p)]
            if unloaded:
                why = [p for p in self.problems if p.file in unloaded]
                raise BankError(why or [BankProblem(unloaded[0], "", "the saved bank did not load")], _IMPORT_HINT)
        except BaseException:
            for path in written:
                before = previous[path]
                with contextlib.suppress(OSError, KnownError):
                    if before is None:
                        path.unlink(missing_ok=True)
                    else:
                        atomic_write_bytes(path, before)
            self.reload()
            raise

    def _loaded_from(self, bank_id: str, path: Path) -> bool:
        loaded = self.banks.get(bank_id)
        return loaded is not None and loaded.path == path

    def save(self, bank: Bank) -> Path:
        """Validate and atomically save a user bank (never the built-in one)."""
        existing = self.banks.get(bank.id)
        if existing and existing.read_only:
            raise KnownError("the built-in bank is read-only", "duplicate it to make your own copy")
        problems = consistency_problems(bank, self.banks[DEFAULT_BANK_ID].bank.competencies)
        if problems:
            raise BankError([BankProblem(bank.id, loc, msg) for loc, msg in problems])
        path = existing.path if existing else self.banks_dir / f"{bank.id}.yaml"
        save_bank(bank, path)
        self.reload()
        return path

    def duplicate(self, source_id: str, new_id: str, name: str | None = None) -> Bank:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,63}", new_id):
            raise KnownError(f"'{new_id}' is not a valid bank id", "use lower-case letters, digits, '-', '_' or '.'")
        if new_id in self.banks:
            raise KnownError(f"a bank with id '{new_id}' already exists")
        source = self.get(source_id).bank
        # Question ids must stay unique across active banks, so the copy's ids get the new bank's prefix;
        # competency ids stay the same so progress is comparable across the two.
        questions = [q.model_copy(update={"id": f"{new_id}.{q.id}"}) for q in source.questions]
        too_long = [q.id for q in questions if len(q.id) > 64]
        if too_long:
            raise KnownError(
                f"the bank id '{new_id}' is too long for its question ids ({too_long[0]})", "pick a shorter id"
            )
        copy = source.model_copy(update={"id": new_id, "name": name or f"{source.name} (copy)", "questions": questions})
        self.save(copy)
        return copy

    def delete(self, bank_id: str) -> None:
        loaded = self.get(bank_id)
        if loaded.read_only:
            raise KnownError("the built-in bank cannot be deleted")
        loaded.path.unlink(missing_ok=True)
        self.active_ids = [i for i in self.active_ids if i != bank_id]
        self.reload()
