"""Open data exports: ``data/targets.json`` and ``data/targets.csv``, one row per target.

The JSON follows REGISTER.md ("The published data"); fields beyond the required
ones are additions, never renames. The CSV carries the same rows.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .model import in_language
from .portal import Portal, delay_url, target_url
from .status import Assessment

CSV_COLUMNS = (
    "id", "title", "bureau", "due", "status", "flags", "url", "delay_url",
    "policy_address", "area", "partners", "start", "kind", "unit", "baseline", "target",
    "direction", "latest_quarter", "latest_value", "progress_fraction", "expected_fraction",
    "revised_due", "justification_filed", "withdrawn_quarter",
)  # fmt: skip


def target_record(assessment: Assessment, lang: str) -> dict[str, Any]:
    """The published record of one assessed target."""
    t = assessment.target
    indicator = t.indicator
    latest = assessment.latest
    record: dict[str, Any] = {
        "id": t.id,
        "title": in_language(t.title, lang),
        "bureau": t.bureau,
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
        start=str(t.start),
        kind="milestone" if indicator is None else "numeric",
        unit=indicator.unit if indicator else "%",
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
    )
    return record


def records(portal: Portal) -> list[dict[str, Any]]:
    """Every target's record, sorted by id."""
    lang = portal.settings.default_lang
    return [target_record(a, lang) for a in sorted(portal.assessments, key=lambda a: a.target.id)]


def targets_json(portal: Portal) -> str:
    """The text of ``data/targets.json``."""
    data = {"reporting_quarter": str(portal.quarter), "targets": records(portal)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def targets_csv(portal: Portal) -> str:
    """The text of ``data/targets.csv``: the JSON rows, lists joined with ';'."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records(portal):
        row = dict(record)
        row["flags"] = ";".join(record["flags"])
        row["partners"] = ";".join(record["partners"])
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    # Spreadsheet apps run cells starting with = + - @ as formulas; quote them as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
