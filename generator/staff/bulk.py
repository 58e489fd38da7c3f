"""Bulk quarterly updates: one quarter's progress for many targets, from a CSV file.

The CSV is what a bureau exports from its spreadsheet: a header row and one row
per target, columns ``id, quarter, value, percent_complete, note, sources,
verified_by`` (sources separated by spaces) and, optionally, ``spent`` (the amount spent
up to the end of the quarter; an empty cell adds no spending line). Every row is checked
before any file is written; problems are reported by row, as the spreadsheet numbers them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..register.figures import read_figure
from ..register.quarters import Quarter
from .editing import (
    Edit,
    EditError,
    checked,
    find_target_file,
    progress_edit,
    read_target_text,
)

COLUMNS = (
    "id", "quarter", "value", "percent_complete", "note", "sources", "verified_by", "spent",
)  # fmt: skip
REQUIRED = ("id", "quarter")


@dataclass
class ImportPlan:
    """The edits a CSV would make, and the problems that stop it, by CSV row."""

    edits: list[Edit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row is good and the edits may be written."""
        return not self.problems


def plan_import(
    targets_dir: Path,
    csv_text: str,
    csv_name: str,
    default_lang: str,
    reporting: Quarter | None = None,
) -> ImportPlan:
    """Check every row of ``csv_text`` and work out the edit each makes; write nothing.

    ``default_lang`` is DEFAULT_LANG, the language of a title given as plain text.
    """
    plan = ImportPlan()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing or unknown:
        plan.problems.append(_header_problem(csv_name, missing, unknown))
        return plan
    texts: dict[Path, str] = {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if None in row:  # DictReader files surplus cells under None
            plan.problems.append(_surplus_problem(csv_name, number, len(header), row[None]))
            continue
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        try:
            edit = _row_edit(targets_dir, row, texts, default_lang, reporting)
        except (EditError, ValueError) as exc:
            plan.problems.append(f"{csv_name} row {number}: {exc}")
            continue
        texts[edit.path] = edit.after
        plan.edits.append(edit)
    if not plan.edits and not plan.problems:
        plan.problems.append(f"{csv_name}: no rows to import")
    return plan


def _surplus_problem(csv_name: str, number: int, columns: int, surplus: list[str]) -> str:
    return (
        f"{csv_name} row {number}: {columns + len(surplus)} cells, but the header has "
        f'{columns} columns: put a cell that holds a comma in double quotes ("1,200"), or '
        "remove the extra comma"
    )


def _header_problem(csv_name: str, missing: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown column(s) {', '.join(unknown)}")
    return (
        f"{csv_name} row 1: {'; '.join(parts)}; the header row must use these names: "
        + ",".join(COLUMNS)
    )


def _row_edit(
    targets_dir: Path,
    row: dict[str, str],
    texts: dict[Path, str],
    default_lang: str,
    reporting: Quarter | None,
) -> Edit:
    path = find_target_file(targets_dir, row["id"])
    entry = _row_entry(row)
    before = read_target_text(path)
    text = texts.get(path) or before
    edit = progress_edit(path, text, entry)
    return checked(Edit(path, before, edit.after, edit.summary), default_lang, reporting)


def _row_entry(row: dict[str, str]) -> dict[str, Any]:
    try:
        quarter = str(Quarter.parse(row["quarter"]))
    except ValueError as exc:
        raise ValueError(f"quarter: {exc}") from None
    entry: dict[str, Any] = {"quarter": quarter}
    for column in ("value", "percent_complete", "spent"):
        if row.get(column):
            entry[column] = _number(column, row[column])
    if "value" in entry and "percent_complete" in entry:
        raise ValueError("give either value or percent_complete, not both")
    if row.get("note"):
        entry["note"] = row["note"]
    if row.get("sources"):
        entry["sources"] = row["sources"].split()
    if row.get("verified_by"):
        entry["verified_by"] = row["verified_by"]
    return entry


def _number(column: str, text: str) -> int | float:
    # The register's rule for figures, so that a cell means what the same text means in a
    # register file: float() would also take 1e3, 1_000 and nan.
    try:
        return read_figure(text)
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def apply(plan: ImportPlan) -> None:
    """Write every edit of a plan that has no problems."""
    if not plan.ok:
        raise EditError("\n".join(plan.problems))
    for edit in plan.edits:
        edit.write()
