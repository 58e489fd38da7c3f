"""Register fields published as typed, from their declarations (``declare(published=True)``).

The published record (``exports``) writes its columns in the published contract's order,
most of them computed. A register field declared ``published`` needs no line there: it
follows them in targets.json, each target's JSON file and targets.csv, under its own name,
as typed (a group as a mapping in JSON and a column per field in CSV, ``budget.currency``;
a list joined with ';' in CSV).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from ..register import fields
from ..register.quarters import Quarter


def published_specs(cls: type) -> tuple[fields.Spec, ...]:
    """The fields of the model class ``cls`` declared to be published as typed."""
    return tuple(s for s in fields.specs(cls) if s.published)


def json_values(target: Any) -> dict[str, Any]:
    """The published fields of ``target`` as JSON values, by name (null when left out)."""
    return {s.name: _plain(getattr(target, s.name)) for s in published_specs(type(target))}


def csv_columns(cls: type) -> tuple[str, ...]:
    """The CSV columns of the published fields of ``cls``: a group's fields each a column."""
    columns: list[str] = []
    for s in published_specs(cls):
        parts = fields.names(s.group) if s.kind == fields.GROUP else ()
        columns += [f"{s.name}.{part}" for part in parts] or [s.name]
    return tuple(columns)


def csv_cells(target: Any) -> dict[str, Any]:
    """The published fields of ``target`` as CSV cells, by column."""
    cells: dict[str, Any] = {}
    for s in published_specs(type(target)):
        value = _plain(getattr(target, s.name))
        if s.kind == fields.GROUP:
            parts = fields.names(s.group)
            cells |= {f"{s.name}.{p}": (value or {}).get(p) for p in parts}
        else:
            cells[s.name] = ";".join(map(str, value)) if isinstance(value, list) else value
    return cells


def _plain(value: Any) -> Any:
    """``value`` as JSON has it: quarters and dates as text, groups as mappings."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields.specs(type(value))}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Quarter | datetime.date):
        return str(value)
    return value
