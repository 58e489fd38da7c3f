"""Bulk quarterly updates: one quarter's progress for many targets, from a CSV file.

The CSV is what a bureau exports from its spreadsheet: a header row and one row
per target, columns ``id, quarter, value, percent_complete, note, sources,
verified_by`` (sources separated by spaces) and, optionally, ``spent`` (the amount spent
up to the end of the quarter; an empty cell adds no spending line). Every row is checked
before any file is written, and every problem of every row is reported, in the words of
the spreadsheet: its column names, and its row numbers (the header is row 1). The person
reading them edits a spreadsheet, not the command line or the YAML files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from ..register.figures import read_figure
from ..register.loader import SourceFile, display_path, read_source
from ..register.quarters import Quarter
from . import sheet
from .editing import Edit, EditError, find_target_file, progress_edit, read_target_text, round_trip

FIGURES = ("value", "percent_complete", "spent")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one CSV row: its row number, column (if one) and message."""

    row: int
    column: str | None
    message: str
    target: str | None = None  # the id of the target the row updates, when it is known

    def text(self, csv_name: str) -> str:
        """The problem as the spreadsheet user reads it: file, row, column, message."""
        where = f"{csv_name} row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Addition:
    """A good row: the entry it adds to its target's file."""

    row: int
    target: str
    path: Path
    entry: dict[str, Any]


@dataclass
class ImportPlan:
    """The edits a CSV would make, and the problems that stop it, by CSV row."""

    csv_name: str
    edits: list[Edit] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    targets: dict[str, Path] = field(default_factory=dict)  # each row's target, in CSV order

    @property
    def ok(self) -> bool:
        """True when every row is good and the edits may be written."""
        return not self.problems

    def messages(self) -> list[str]:
        """Every problem as a line, in row order."""
        ordered = sorted(self.problems, key=lambda p: p.row)  # stable: a row's in check order
        return [p.text(self.csv_name) for p in ordered]


@dataclass
class _Context:
    """What the rows share: the register, and what earlier rows of the CSV did."""

    targets_dir: Path
    default_lang: str
    reporting: Quarter | None
    files: dict[Path, tuple[str, Any]] = field(default_factory=dict)  # text and data as read
    texts: dict[Path, str] = field(default_factory=dict)  # with earlier rows' entries added
    quarters: dict[str, dict[Quarter, int]] = field(default_factory=dict)  # id: quarter: row


class _Row:
    """One CSV row being checked; collects every problem instead of stopping at the first."""

    def __init__(self, number: int, cells: dict[str, str]):
        self.number, self.cells = number, cells
        self.target: str | None = None
        self.problems: list[RowProblem] = []

    def fail(self, column: str | None, message: str) -> None:
        self.problems.append(RowProblem(self.number, column, message, self.target))


def plan_import(
    targets_dir: Path,
    csv_text: str,
    csv_name: str,
    default_lang: str,
    reporting: Quarter | None = None,
) -> ImportPlan:
    """Check every row of ``csv_text`` and work out the edit each makes; write nothing.

    ``default_lang`` is DEFAULT_LANG, the language of a title given as plain text.
    Raises ``EditError`` for a CSV with no rows to import.
    """
    plan = ImportPlan(csv_name)
    # csv.reader, not DictReader: DictReader skips blank lines, and then every later row
    # number would differ from the one the spreadsheet shows.
    records = sheet.records(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))), csv_name)
    header = sheet.header_row(records, csv_name)
    missing = [c for c in sheet.REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in sheet.COLUMNS]
    if missing or unknown:
        plan.problems.append(RowProblem(1, None, sheet.header_problem(missing, unknown)))
        return plan
    context = _Context(Path(targets_dir), default_lang, reporting)
    rows = 0
    for number, cells in enumerate(records, start=2):  # row 1 is the header
        if len(cells) > len(header):
            plan.problems.append(
                RowProblem(number, None, sheet.surplus_problem(len(header), len(cells)))
            )
            continue
        cells += [""] * (len(header) - len(cells))  # a short row: its last cells are empty
        row = {h: c.strip() for h, c in zip(header, cells, strict=True) if h}
        if any(row.values()):
            rows += 1
            _check_row(plan, context, _Row(number, row))
    if not rows and not plan.problems:
        raise EditError(
            f"{csv_name} has no rows to import: add one row per target below the header"
        )
    return plan


def _check_row(plan: ImportPlan, context: _Context, row: _Row) -> None:
    path = _target(context, row)
    quarter = _quarter(row)
    entry = _entry(row, quarter)
    if path is not None:
        plan.targets.setdefault(row.target or "", path)
        data = _file(context, row, path)
        if data is not None:
            _check_kind(row, data, quarter)
            if quarter is not None:
                _check_quarter(context, row, data, quarter, path)
            _add(plan, context, row, path, _probe(entry, data, quarter is None))
    elif row.cells.get("value") and row.cells.get("percent_complete"):
        row.fail("percent_complete", "fill in value or percent_complete, not both")
    plan.problems.extend(row.problems)


def _probe(entry: dict[str, Any], data: dict, no_quarter: bool) -> tuple[dict[str, Any], set[str]]:
    """The entry to validate, and the columns whose problems are already reported.

    A row with its quarter or figure missing, unreadable or in the wrong column still has
    its other cells checked (sources, spent, ...): the validator is given a stand-in.
    """
    figure, other = ("value", "percent_complete")
    if data.get("indicator") is None:
        figure, other = other, figure
    probe = {k: v for k, v in entry.items() if k != other}
    stood_in = set()
    if no_quarter:  # the quarter after the file's last, where the entry would go
        reported = _reported(data)
        probe["quarter"] = str(max(reported).shift(1) if reported else Quarter(2000, 1))
        stood_in.add("quarter")
    if figure not in probe:
        probe[figure] = entry[other] if other in entry and figure == "value" else 0
        stood_in |= {figure, other}
    return probe, stood_in


def _target(context: _Context, row: _Row) -> Path | None:
    target_id = row.cells["id"]
    if not target_id:
        row.fail("id", "empty: write the id of the target the row updates, e.g. PA2023-004")
        return None
    try:
        path = find_target_file(context.targets_dir, target_id)
    except EditError as exc:
        row.fail("id", str(exc))
        return None
    row.target = target_id
    return path


def _quarter(row: _Row) -> Quarter | None:
    text = row.cells["quarter"]
    if not text:
        row.fail("quarter", "empty: write the quarter the row reports, e.g. 2026-Q4")
        return None
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        row.fail("quarter", str(exc))
        return None


def _entry(row: _Row, quarter: Quarter | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"quarter": str(quarter)}
    for column in FIGURES:
        if row.cells.get(column):
            # The register's rule for figures, so that a cell means what the same text
            # means in a register file: float() would also take 1e3, 1_000 and nan.
            try:
                entry[column] = read_figure(row.cells[column])
            except ValueError as exc:
                row.fail(column, str(exc))
    if row.cells.get("note"):
        entry["note"] = row.cells["note"]
    if row.cells.get("sources"):
        entry["sources"] = row.cells["sources"].split()
    if row.cells.get("verified_by"):
        entry["verified_by"] = row.cells["verified_by"]
    return entry


def _file(context: _Context, row: _Row, path: Path) -> Any:
    """The target file's data as it is on disk, or None after saying why it cannot be read."""
    if path not in context.files:
        try:
            text = read_target_text(path)
            context.files[path] = (text, round_trip(text)[1])
        except EditError as exc:
            row.fail(None, str(exc))
            return None
        except YAMLError:
            row.fail(None, f"{display_path(path)} is not valid YAML: run 'invoke validate'")
            return None
    data = context.files[path][1]
    if not isinstance(data, dict):
        row.fail(None, f"{display_path(path)} is not a target file (no fields found)")
        return None
    return data


def _check_kind(row: _Row, data: dict, quarter: Quarter | None) -> None:
    # Named by column: the spreadsheet user moves the figure to the other column.
    cells, name = row.cells, row.target
    when = f" for {quarter}" if quarter else ""
    if data.get("indicator") is not None:
        if cells.get("percent_complete"):
            row.fail(
                "percent_complete",
                f"{name} is a numeric target: put its figure in the value column and leave "
                "percent_complete empty",
            )
        if not cells.get("value"):
            row.fail("value", f"empty: {name} is a numeric target: put its figure{when} here")
        return
    if cells.get("value"):
        row.fail(
            "value",
            f"{name} is a milestone target: put the figure in the percent_complete column "
            "(how far it is complete, 0 to 100) and leave value empty",
        )
    elif not cells.get("percent_complete"):
        row.fail(
            "percent_complete",
            f"empty: {name} is a milestone target: put how far it is complete{when}, "
            "0 to 100, here",
        )


def _check_quarter(context: _Context, row: _Row, data: dict, quarter: Quarter, path: Path) -> None:
    name = row.target or ""
    earlier = context.quarters.setdefault(name, {})
    later = [q for q in earlier if q > quarter]
    if quarter in earlier:
        row.fail(
            "quarter",
            f"{quarter} for {name} appears twice in the CSV (rows {earlier[quarter]} and "
            f"{row.number}): keep the row that is right and delete the other",
        )
    elif later:
        row.fail(
            "quarter",
            f"{quarter} for {name} comes after {max(later)} (row {earlier[max(later)]}) in "
            "the CSV: put each target's rows oldest quarter first",
        )
    else:
        earlier[quarter] = row.number
    _check_against_file(row, data, quarter, path)


def _reported(data: dict) -> list[Quarter]:
    reported = []
    for item in data.get("progress") or []:
        try:
            reported.append(Quarter.parse(str(item.get("quarter"))))
        except (AttributeError, ValueError):
            continue  # the validator's to report; the import only needs the quarters
    return reported


def _check_against_file(row: _Row, data: dict, quarter: Quarter, path: Path) -> None:
    reported = _reported(data)
    where = display_path(path)
    if quarter in reported:
        row.fail(
            "quarter",
            f"{row.target} already reports {quarter} in {where}: delete this row; to "
            "correct that entry, edit it in the file",
        )
    elif reported and quarter < max(reported):
        row.fail(
            "quarter",
            f"{quarter} is before {row.target}'s last reported quarter, {max(reported)}: "
            f"the import only adds later quarters; add a missed one by hand in {where}",
        )


def _add(
    plan: ImportPlan,
    context: _Context,
    row: _Row,
    path: Path,
    probe: tuple[dict[str, Any], set[str]],
) -> None:
    entry, stood_in = probe
    before = context.files[path][0]
    clean = not row.problems
    # A row with problems is checked on the file as it is, not after the earlier rows:
    # none of them will be written until every row is good.
    try:
        edit = progress_edit(path, context.texts.get(path, before) if clean else before, entry)
    except EditError as exc:  # a quarter already reported or out of order: said above
        if clean:
            row.fail(None, str(exc))
            return
        # The row's other columns are still checked, on a quarter after the file's last:
        # a staff member told only of the quarter would meet the rest on the next run.
        edit = _on_a_later_quarter(path, before, entry, context.files[path][1])
        if edit is None:
            return
        stood_in = stood_in | {"quarter"}
    index = len(round_trip(edit.after)[1]["progress"]) - 1
    told = {p.column for p in row.problems} | stood_in
    _check_edited(context, row, path, edit.after, index, told if not clean else set())
    if not clean or row.problems:
        return
    context.texts[path] = edit.after
    plan.edits.append(Edit(path, before, edit.after, edit.summary))
    plan.additions.append(Addition(row.number, row.target or "", path, entry))


def _on_a_later_quarter(path: Path, text: str, entry: dict, data: dict) -> Edit | None:
    """The edit of ``entry`` moved to the quarter after the file's last, to check its other
    columns; None where that too is refused."""
    reported = _reported(data)
    later = max(reported).shift(1) if reported else Quarter.parse(str(entry["quarter"]))
    try:
        return progress_edit(path, text, {**entry, "quarter": str(later)})
    except (EditError, ValueError):
        return None


def _check_edited(
    context: _Context, row: _Row, path: Path, text: str, index: int, told: set[str | None]
) -> None:
    """The validator's problems with the edited file, named by the column they come from.

    ``told`` holds the columns whose problems the row already reports (and None, when the
    row already has problems, for the file's problems elsewhere): not said twice.
    """
    source = SourceFile(display_path(path), path.stem, text.encode("utf-8"))
    _, problems, _ = read_source(source, context.default_lang, context.reporting)
    prefix = f"progress[{index}]."
    if told:
        told = told | {None, "quarter"}
    for problem in problems:
        column = problem.field.removeprefix(prefix).split(".")[0].split("[")[0]
        if not (problem.field.startswith(prefix) and column in sheet.COLUMNS):
            column = None  # not this row's entry: a problem the file has, or gets, elsewhere
        if column in told:
            continue
        if column:
            row.fail(column, problem.message)
        else:
            row.fail(None, f"the target file would be invalid: {problem}")


def apply(plan: ImportPlan) -> None:
    """Write every edit of a plan that has no problems."""
    if not plan.ok:
        raise EditError("\n".join(plan.messages()))
    for edit in plan.edits:
        edit.write()
