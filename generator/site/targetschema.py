"""The JSON Schema of the PUBLISHED ``data/targets.json`` (``data/targets.schema.json``),
with each target's own file (``data/targets/<id>.json``) under ``$defs/target_document``.

``data/schema.json`` describes the register's input files; this one describes what the
site publishes. Fields are only ever added to targets.json, never renamed, so objects
allow properties beyond those listed. Pure core: no Pelican imports.
"""

from __future__ import annotations

import json
from typing import Any

from ..assess.status import FLAGS, STATUSES

SCHEMA_PATH = "data/targets.schema.json"
SCHEMA_ID = "targets.schema.json"

QUARTER = {"type": "string", "pattern": "^[0-9]{4}-Q[1-4]$"}
DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
MONTH = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
TEXT = {"type": "string"}
TEXTS = {"type": "object", "additionalProperties": TEXT}
STRINGS = {"type": "array", "items": TEXT}
# The flags' vocabulary, each with its rule in the published fields' terms (also in the
# data package's descriptor). A flag added to status.FLAGS without its words fails here.
FLAG_RULES = {
    "not_reported": "no progress entry for the quarter",
    "justification_missing": "missed, and no delay justification filed",
    "revised_due_passed": "missed, and the justification's revised_due has passed too",
    "amended": "the promise was changed after publication; the status is judged against "
    "the original",
    "amended_without_reason": "a change to the promise has no amendments entry",
    "removed": "taken out of the register without being withdrawn or replaced",
    "funds_idle": "expected_fraction - spend_fraction > spend_lag",
    "spending_ahead_of_results": "spend_fraction - progress_fraction > spend_lag",
    "overspent": "spent > budget_allocated",
}
FLAG_LIST = {
    "type": "array",
    "items": {"enum": list(FLAGS)},
    "description": "Flags beside the status: "
    + "; ".join(f"{flag} ({FLAG_RULES[flag]})" for flag in FLAGS)
    + ". spend_lag is the site's SPEND_LAG setting (default 0.2), given in datapackage.json.",
}
STATUS = {"enum": list(STATUSES)}


def _null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


# The money (REGISTER.md, "Funds"), each null for a target without a budget. An amount is
# a figure as typed; spent is cumulative, so never below 0, and may pass the allocation.
AMOUNT = {"type": "number", "minimum": 0}
FUNDS = {
    name: {**_null(schema), "description": description}
    for name, schema, description in (
        ("budget_currency", {"type": "string", "pattern": "^[A-Z]{3}$"},
         "The budget's currency, an ISO 4217 code such as HKD."),
        ("budget_allocated", {"type": "number", "exclusiveMinimum": 0},
         "The total amount allocated, as typed, in budget_unit."),
        ("budget_unit", TEXT, "The unit of every amount (e.g. million), in the default "
         "language; null also when the budget names none."),
        ("budget_units", TEXTS, "budget_unit in every language given ({} when none)."),
        ("spent", AMOUNT, "The latest amount spent reported up to the reporting quarter, "
         "cumulative, as typed, in budget_unit; 0 when none is reported."),
        ("spend_fraction", AMOUNT, "spent / budget_allocated, rounded to 4 decimals; above 1 "
         "when overspent."),
    )
}  # fmt: skip

HISTORY_POINT = {
    "type": "object",
    "required": ["quarter", "status", "flags"],
    "properties": {"quarter": QUARTER, "status": STATUS, "flags": FLAG_LIST},
}
AMENDMENT = {
    "type": "object",
    "required": ["id", "field", "old", "new", "date", "commit", "correction"],
    "properties": {
        "id": TEXT, "field": TEXT, "date": DATE, "commit": TEXT, "reason": _null(TEXT),
        "approved_by": _null(TEXT), "decided": _null(DATE), "correction": {"type": "boolean"},
    },
}  # fmt: skip
TARGET = {
    "type": "object",
    "required": ["id", "title", "bureau", "bureau_code", "due", "status", "flags", "url"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"},
        "title": TEXT, "bureau": TEXT, "bureau_code": TEXT, "due": QUARTER, "status": STATUS,
        "flags": FLAG_LIST, "url": TEXT, "delay_url": TEXT, "titles": TEXTS,
        "policy_address": {"type": "integer"}, "area": _null(TEXT), "partners": STRINGS,
        "partner_codes": STRINGS, "start": QUARTER,
        "kind": {"enum": ["numeric", "milestone"]}, "unit": TEXT, "units": TEXTS,
        "baseline": {"type": "number"}, "target": {"type": "number"},
        "direction": {"enum": ["increase", "decrease"]},
        "latest_quarter": _null(QUARTER), "latest_value": _null({"type": "number"}),
        "progress_fraction": {"type": "number"}, "expected_fraction": {"type": "number"},
        "revised_due": _null(QUARTER), "justification_filed": {"type": "boolean"},
        "withdrawn_quarter": _null(QUARTER),
        "history": {"type": "array", "items": HISTORY_POINT},
        "original_due": _null(QUARTER), "status_as_amended": _null(STATUS),
        "justification_published": _null(DATE),
        "amendments": _null({"type": "array", "items": AMENDMENT}),
        "first_published": _null(DATE), "removed": _null(DATE), "replaces": _null(TEXT),
        "replaced_by": _null(TEXT), **FUNDS,
    },
}  # fmt: skip
ENTRY = {
    "type": "object",
    "required": [
        "quarter", "value", "percent_complete", "note", "sources", "verified_by", "spent",
    ],
    "properties": {
        "quarter": QUARTER, "value": _null({"type": "number"}),
        "percent_complete": _null({"type": "number", "minimum": 0, "maximum": 100}),
        "note": _null(TEXT), "sources": STRINGS, "verified_by": _null(TEXT),
        "spent": {**_null(AMOUNT), "description": "The amount spent up to the end of the "
                  "quarter, cumulative, as typed; null: no spending reported with it."},
    },
}  # fmt: skip
DELAY = {
    "type": "object",
    "required": ["reason", "revised_due", "measures", "submitted", "responsible"],
    "properties": {
        "reason": TEXT, "revised_due": QUARTER, "measures": TEXT, "submitted": _null(DATE),
        "responsible": _null(TEXT),
    },
}  # fmt: skip
WITHDRAWAL = {
    "type": "object", "required": ["quarter", "reason"],
    "properties": {"quarter": QUARTER, "reason": TEXT},
}  # fmt: skip
# data/targets/<id>.json: the target's record in targets.json, and everything else about it.
DOCUMENT = {
    "allOf": [{"$ref": "#/$defs/target"}],
    "required": ["data_url", "descriptions", "progress", "delay", "withdrawn"],
    "properties": {
        "data_url": TEXT, "descriptions": TEXTS, "progress": {"type": "array", "items": ENTRY},
        "delay": _null(DELAY), "withdrawn": _null(WITHDRAWAL),
    },
}  # fmt: skip
BUREAU = {
    "type": "object",
    "required": ["code", "name", "names", "kind"],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9-]{1,15}$"}, "name": TEXT,
        "names": TEXTS, "kind": {"enum": ["bureau", "department", "working_group"]},
        "panel": _null(TEXTS), "abolished": _null(QUARTER), "url": _null(TEXT),
    },
}  # fmt: skip
PERIOD = {
    "type": "object",
    "required": ["quarter", "first_month", "last_month", "financial_year"],
    "properties": {
        "quarter": QUARTER, "first_month": MONTH, "last_month": MONTH, "financial_year": TEXT,
    },
}  # fmt: skip
LICENCE = {
    "type": "object", "required": ["name", "url"], "properties": {"name": TEXT, "url": TEXT},
}  # fmt: skip
EDITION = {
    "type": "object", "required": ["quarter", "url"],
    "properties": {"quarter": QUARTER, "url": TEXT},
}  # fmt: skip
TOP_LEVEL = {
    "reporting_quarter": QUARTER,
    "record_available": {"type": "boolean"},
    "published": _null(DATE),
    "published_from": {"enum": ["setting", "commit", "unknown"]},
    "publisher": _null(TEXT),
    "licence": _null(LICENCE),
    "reporting_period": PERIOD,
    "next_update_after": MONTH,
    "edition": _null(EDITION),
    "portal_version": _null(TEXT),
    "bureaus": {"type": "object", "additionalProperties": BUREAU},
    "targets": {"type": "array", "items": {"$ref": "#/$defs/target"}},
}


def targets_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the published targets.json."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "targets.json: every target as published, with the publication's facts",
        "description": (
            "The published data (REGISTER.md, 'The published data'). Fields are added, "
            "never renamed: readers must allow properties not listed here. data/schema.json "
            "is the format of the register's input files, not of this file."
        ),
        "type": "object",
        "required": list(TOP_LEVEL),
        "properties": TOP_LEVEL,
        # Each target's own file, data/targets/<id>.json, is "#/$defs/target_document".
        "$defs": {"target": TARGET, "target_document": DOCUMENT},
    }


def targets_schema_json() -> str:
    """The text of ``data/targets.schema.json``."""
    return json.dumps(targets_schema(), ensure_ascii=False, indent=2) + "\n"
