"""Open data exports: ``data/targets.json`` and ``.csv`` (one row per target), a JSON
file per target, and the overdue list as CSV.

The JSON follows REGISTER.md ("The published data"); fields beyond the required
ones are additions, never renames. The CSV carries the same rows. File names
derive from ids only, so a target's data never moves once published.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from ..assess.delays import overdue_only
from ..assess.record import INDICATOR_PARTS, PromiseChange
from ..assess.status import Assessment
from ..register.bureaus import Bureaus
from ..register.model import Indicator, Target, default_text, in_language
from ..register.quarters import Quarter
from . import fundsdata, published_fields

# The list of files and their addresses (``datacatalogue``) are also found here, where the
# pages, feeds and templates have always looked for them.
from .datacatalogue import (  # noqa: F401
    CALENDAR_PATH,
    DataFile,
    catalogue,
    feed_paths,
    target_data_url,
)
from .portal import Portal, delay_url, target_url

CSV_COLUMNS = (
    "id", "title", "bureau", "bureau_code", "due", "status", "flags", "url", "delay_url",
    "policy_address", "area", "partners", "partner_codes", "start", "kind", "unit", "baseline",
    "target", "direction", "latest_quarter", "latest_value", "progress_fraction",
    "expected_fraction", "revised_due", "justification_filed", "withdrawn_quarter",
    "original_due", "status_as_amended", "justification_published",
)  # fmt: skip


def history_records(history) -> list[dict[str, Any]]:
    """A status history as published: quarter, status and flags at the end of each quarter."""
    return [
        {"quarter": str(p.quarter), "status": p.status, "flags": list(p.flags)} for p in history
    ]


def target_record(
    assessment: Assessment, lang: str, bureaus: Bureaus, history=()
) -> dict[str, Any]:
    """One assessed target as published, bureaus by name and code, with its status history."""
    t = assessment.target
    indicator = t.indicator
    latest = assessment.latest
    record: dict[str, Any] = {
        "id": t.id,
        "title": in_language(t.title, lang),
        "bureau": t.bureau,
        "bureau_code": _code(bureaus, t.bureau),
        "due": str(t.due),
        "status": assessment.status,
        "flags": list(assessment.flags),
        "url": target_url(t.id),
    }
    if assessment.is_missed:
        record["delay_url"] = delay_url(t.id)
    record.update(
        titles=dict(sorted(t.title.items())),
        policy_address=t.policy_address,
        area=t.area,
        partners=list(t.partners),
        partner_codes=[_code(bureaus, p) for p in t.partners],
        start=str(t.start),
        kind="milestone" if indicator is None else "numeric",
        # "unit" stays one text (the default language's) for the files' existing readers.
        unit=in_language(indicator.unit, lang) if indicator else "%",
        units=dict(sorted(indicator.unit.items())) if indicator else {lang: "%"},
        baseline=indicator.baseline if indicator else 0,
        target=indicator.target if indicator else 100,
        direction=indicator.direction if indicator else "increase",
        latest_quarter=str(latest.quarter) if latest else None,
        latest_value=t.measure(latest) if latest else None,
        progress_fraction=round(assessment.fraction, 4),
        expected_fraction=round(assessment.expected, 4),
        revised_due=str(t.delay.revised_due) if t.delay else None,
        justification_filed=t.delay is not None,
        withdrawn_quarter=str(t.withdrawn.quarter) if t.withdrawn else None,
        history=history_records(history),
    )
    money = fundsdata.funds_fields(assessment, lang)
    return record | record_fields(assessment) | money | published_fields.json_values(t)


def record_fields(assessment: Assessment) -> dict[str, Any]:
    """What the published record says of one target; null where it is unknown (the record
    unavailable, or the target not yet published), never an empty "nothing changed"."""
    known = assessment.record
    return {
        "original_due": str(known.original.due) if known else None,
        "status_as_amended": assessment.status_as_amended,
        "justification_published": assessment.justification_published,
        "amendments": [amendment_record(a) for a in known.amendments] if known else None,
        "first_published": known.first_published.date if known else None,
        "removed": known.removed.date if known and known.removed else None,
        "replaces": assessment.target.replaces,
        "replaced_by": known.replaced_by if known else None,
    }


def amendment_record(change: PromiseChange) -> dict[str, Any]:
    """One amendment as published: field, old and new value, when, where and why."""
    entry = change.entry
    return {
        "id": change.target_id,
        "field": change.field,
        "old": _promise_value(change.old),
        "new": _promise_value(change.new),
        "date": change.date,
        "commit": change.commit,
        "reason": entry.reason if entry else None,
        "approved_by": entry.approved_by if entry else None,
        "decided": entry.date.isoformat() if entry else None,
        "correction": change.correction,
    }


def _promise_value(value: Any) -> Any:
    """A promise field's value as JSON: quarters as text, an indicator as its fields."""
    if isinstance(value, Indicator):
        return {part: _promise_value(getattr(value, part)) for part in INDICATOR_PARTS}
    if isinstance(value, dict):  # a unit: its default language's text, as "unit" is
        return default_text(value)
    if isinstance(value, Quarter):
        return str(value)
    return value


def _code(bureaus: Bureaus, name: str) -> str:
    bureau = bureaus.by_name(name)
    return bureau.code if bureau is not None else ""


def records(portal: Portal) -> list[dict[str, Any]]:
    """Every target's record, sorted by id."""
    lang = portal.settings.default_lang
    ordered = sorted(portal.assessments, key=lambda a: a.target.id)
    histories = portal.histories
    return [target_record(a, lang, portal.bureaus, histories.get(a.target.id, ())) for a in ordered]


def targets_json(portal: Portal, about: dict[str, Any] | None = None) -> str:
    """The text of ``data/targets.json``; ``record_available`` says whether the published
    record (amendments, original promises, removed targets) could be read. ``about`` (the
    publication's facts and the bureaus, ``opendata.about_fields``) goes before the targets;
    an edition's frozen document is made without it."""
    data = {
        "reporting_quarter": str(portal.quarter),
        "record_available": portal.record_available,
        **(about or {}),
        "targets": records(portal),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def title_columns(languages: Sequence[str]) -> tuple[str, ...]:
    """The CSV columns of a target's title in each of ``languages``: ``title_zh-Hant``."""
    return tuple(f"title_{lang}" for lang in languages)


def targets_csv(portal: Portal) -> str:
    """The text of ``data/targets.csv``: the JSON rows, lists joined with ';', the title in
    every language of the site a column each (empty where not given)."""
    languages = portal.settings.languages
    rows = []
    for record in records(portal):
        row = dict(record)
        row["flags"] = ";".join(record["flags"])
        row["partners"] = ";".join(record["partners"])
        row["partner_codes"] = ";".join(record["partner_codes"])
        row |= {f"title_{lang}": record["titles"].get(lang) for lang in languages}
        rows.append(row)
    columns = (*CSV_COLUMNS, *title_columns(languages), *fundsdata.FUNDS_COLUMNS,
               *published_fields.csv_columns(Target))  # fmt: skip
    cells = {a.target.id: published_fields.csv_cells(a.target) for a in portal.assessments}
    return csv_text(columns, [row | cells[row["id"]] for row in rows])


OVERDUE_COLUMNS = (
    "id", "title", "bureau", "bureau_code", "due", "overdue_quarters", "justification_filed",
    "revised_due", "revised_due_passed", "submitted", "responsible", "shortfall",
    "shortfall_percent", "url", "delay_url",
)  # fmt: skip


def target_document(
    assessment: Assessment, lang: str, bureaus: Bureaus, history=()
) -> dict[str, Any]:
    """Everything published about one target: its record plus progress, delay, withdrawal."""
    t = assessment.target
    document = target_record(assessment, lang, bureaus, history)
    document["data_url"] = target_data_url(t.id)
    document["descriptions"] = dict(sorted(t.description.items()))
    document["progress"] = [_entry_record(t, e) for e in t.progress]
    document["delay"] = _delay_record(t)
    document["withdrawn"] = (
        {"quarter": str(t.withdrawn.quarter), "reason": t.withdrawn.reason} if t.withdrawn else None
    )
    return document


def _entry_record(target, entry) -> dict[str, Any]:
    return {
        "quarter": str(entry.quarter),
        "value": entry.value,
        "percent_complete": entry.percent_complete,
        "note": entry.note,
        "sources": list(entry.sources),
        "verified_by": entry.verified_by,
        "spent": entry.spent,
    }


def _delay_record(target) -> dict[str, Any] | None:
    delay = target.delay
    if delay is None:
        return None
    return {
        "reason": delay.reason,
        "revised_due": str(delay.revised_due),
        "measures": delay.measures,
        "submitted": delay.submitted.isoformat() if delay.submitted else None,
        "responsible": delay.responsible,
    }


def target_json(assessment: Assessment, lang: str, bureaus: Bureaus, history=()) -> str:
    """The text of ``data/targets/<id>.json``."""
    document = target_document(assessment, lang, bureaus, history)
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def overdue_csv(portal: Portal) -> str:
    """The overdue list as CSV, longest overdue first, as on the overdue page (a target
    missed in its due quarter is not overdue yet)."""
    rows = []
    lang = portal.settings.default_lang
    for j in overdue_only(portal.justifications):
        t, delay = j.target, j.delay
        rows.append({
            "id": t.id, "title": in_language(t.title, lang), "bureau": t.bureau,
            "bureau_code": _code(portal.bureaus, t.bureau),
            "due": str(t.due), "overdue_quarters": j.overdue_quarters,
            "justification_filed": j.filed,
            "revised_due": str(delay.revised_due) if delay else None,
            "revised_due_passed": j.revised_due_passed,
            "submitted": delay.submitted.isoformat() if delay and delay.submitted else None,
            "responsible": delay.responsible if delay else None,
            "shortfall": j.shortfall.gap, "shortfall_percent": round(j.shortfall.gap_percent, 1),
            "url": target_url(t.id), "delay_url": delay_url(t.id),
        })  # fmt: skip
    return csv_text(OVERDUE_COLUMNS, rows)


AMENDMENT_COLUMNS = (
    "id", "field", "old", "new", "date", "commit", "reason", "approved_by", "decided",
    "correction",
)  # fmt: skip


def amendments_csv(portal: Portal) -> str:
    """Every amendment to a published promise, newest first: one row each (booleans as
    ``true``/``false``, an indicator as JSON). Only the header when the record is
    unavailable: ``record_available`` in targets.json tells the two apart."""
    rows = []
    for change in portal.amendments:
        row = amendment_record(change)
        row["old"], row["new"] = _cell_value(row["old"]), _cell_value(row["new"])
        row["correction"] = "true" if change.correction else "false"
        rows.append(row)
    return csv_text(AMENDMENT_COLUMNS, rows)


def _cell_value(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value


HISTORY_COLUMNS = ("id", "quarter", "status", "flags")


def history_csv(portal: Portal) -> str:
    """Every target's status history as CSV: one row per target and quarter."""
    rows = [
        {"id": target_id, "quarter": str(p.quarter), "status": p.status, "flags": ";".join(p.flags)}
        for target_id, points in sorted(portal.histories.items())
        for p in points
    ]
    return csv_text(HISTORY_COLUMNS, rows)


def csv_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    """CSV text of ``rows`` under ``columns``: booleans true/false, formulas defused."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    # Booleans as JSON and the data package spell them, not Python's True/False.
    if isinstance(value, bool):
        return "true" if value else "false"
    # Spreadsheet apps run cells starting with = + - @ as formulas; quote them as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
