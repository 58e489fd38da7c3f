"""The CSV as the spreadsheet shows it: its columns, and its rows numbered as shown.

The header is row 1 and a blank row counts, as in the spreadsheet: the problems of the
import name rows by these numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from .editing import EditError

COLUMNS = (
    "id", "quarter", "value", "percent_complete", "note", "sources", "verified_by", "spent",
)  # fmt: skip
REQUIRED = ("id", "quarter")


def records(reader: Iterator[list[str]], csv_name: str) -> Iterator[list[str]]:
    # The csv module's own refusals (a cell too large, ...) named by row, never a traceback.
    read = 0
    try:
        for cells in reader:
            read += 1
            yield cells
    except csv.Error as exc:
        raise EditError(
            f"{csv_name} row {read + 1}: cannot be read as CSV ({exc}): save the sheet "
            "again as CSV UTF-8 (comma delimited)"
        ) from None


def header_row(records: Iterator[list[str]], csv_name: str) -> list[str]:
    first = next(records, None)
    names = ",".join(COLUMNS)
    if first is None:
        raise EditError(
            f"{csv_name} is empty: its first row names the columns ({names}), then one row "
            "per target"
        )
    header = [h.strip() for h in first]
    if not any(header):
        raise EditError(f"{csv_name} row 1: empty: the first row names the columns ({names})")
    return header


def surplus_problem(columns: int, cells: int) -> str:
    return (
        f"{cells} cells, but the header has {columns} columns: put a cell that holds a comma "
        'in double quotes ("1,200"), or remove the extra comma'
    )


def header_problem(missing: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown column(s) {', '.join(unknown)}")
    return f"{'; '.join(parts)}; the header row must use these names: " + ",".join(COLUMNS)
