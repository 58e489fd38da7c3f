"""The JSON Schema of a target file, built from the validator's own field lists.

Editors use it to autocomplete and underline mistakes as staff type (VS Code's
YAML extension reads the ``# yaml-language-server: $schema=...`` line). It
covers what a schema can express; cross-field rules (id equals file name,
quarters in order, direction agreeing with the numbers) stay with the validator.
"""

from __future__ import annotations

import json
from typing import Any

from . import checker, validation
from .model import PROMISE_FIELDS
from .quarters import QUARTER_RE

SCHEMA_ID = "https://kpi-portal.example/schema/target.schema.json"

QUARTER = {
    "type": "string",
    "pattern": f"^{QUARTER_RE.pattern}$",
    "description": "A quarter written YYYY-Qn, e.g. 2025-Q3.",
}
ONE_LINE = {"type": "string", "minLength": 1, "pattern": "^[^\\n\\r]+$"}
MARKDOWN = {"type": "string", "minLength": 1, "description": "Markdown text."}
NUMBER = {"type": "number"}


def _language_map(text: dict) -> dict:
    return {
        "type": "object",
        "propertyNames": {"pattern": checker.LANG_RE.pattern},
        "additionalProperties": text,
        "required": ["en"],
        "minProperties": 1,
    }


def _texts(text: dict, description: str) -> dict:
    return {"description": description, "oneOf": [text, _language_map(text)]}


def _closed(properties: dict, required: list[str], fields: tuple[str, ...], **extra) -> dict:
    # The validator's field list is the source of truth: fail loudly if the two drift.
    assert tuple(properties) == fields, (tuple(properties), fields)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **extra,
    }


def _indicator() -> dict:
    return _closed(
        {
            "unit": {**ONE_LINE, "description": "What is counted, e.g. sites, %, days."},
            "baseline": {**NUMBER, "description": "The value at the start quarter."},
            "target": {**NUMBER, "description": "The value to reach by the due quarter."},
            "direction": {"enum": ["increase", "decrease"], "default": "increase"},
        },
        ["unit", "baseline", "target"],
        validation.INDICATOR_FIELDS,
        description="Present for a numeric target; leave out for a milestone target.",
    )


def _entry() -> dict:
    return _closed(
        {
            "quarter": QUARTER,
            "value": {**NUMBER, "description": "Numeric targets: the value at quarter end."},
            "percent_complete": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "description": "Milestone targets: 0 to 100.",
            },
            "note": MARKDOWN,
            "sources": {
                "type": "array",
                "items": {"type": "string", "pattern": "^https?://[^\\s/]+\\S*$"},
                "description": "Web addresses backing the figure.",
            },
            "verified_by": {**ONE_LINE, "description": "Independent body that checked it."},
        },
        ["quarter"],
        validation.ENTRY_FIELDS,
        oneOf=[{"required": ["value"]}, {"required": ["percent_complete"]}],
    )


def _delay() -> dict:
    return _closed(
        {
            "reason": MARKDOWN,
            "revised_due": QUARTER,
            "measures": MARKDOWN,
            "submitted": {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
            "responsible": ONE_LINE,
        },
        ["reason", "revised_due", "measures"],
        validation.DELAY_FIELDS,
        description="The justification filed for a missed target.",
    )


def _withdrawn() -> dict:
    return _closed(
        {"quarter": QUARTER, "reason": MARKDOWN},
        ["quarter", "reason"],
        validation.WITHDRAWN_FIELDS,
        description="The target was dropped; it stays on the site.",
    )


def _amendment() -> dict:
    return _closed(
        {
            "date": {
                "type": "string",
                "format": "date",
                "pattern": "^\\d{4}-\\d{2}-\\d{2}$",
                "description": "The date the change was decided.",
            },
            "fields": {
                "type": "array",
                "items": {"enum": list(PROMISE_FIELDS)},
                "minItems": 1,
                "description": "The promise fields changed (indicator covers indicator.*).",
            },
            "reason": {**MARKDOWN, "description": "Markdown: why the promise changed."},
            "approved_by": {**ONE_LINE, "description": "Who approved it, e.g. a paper ref."},
            "correction": {
                "type": "boolean",
                "default": False,
                "description": "true: fixes a clerical error in the promise as first published.",
            },
        },
        ["date", "fields", "reason"],
        validation.AMENDMENT_FIELDS,
    )


def _progress_items(rule: dict) -> dict:
    return {"properties": {"progress": {"items": rule}}}


def _kind_rules() -> list[dict]:
    """Numeric targets report ``value``; milestone targets ``percent_complete``."""
    value_only = {"required": ["value"], "not": {"required": ["percent_complete"]}}
    percent_only = {"required": ["percent_complete"], "not": {"required": ["value"]}}
    return [
        {
            "if": {"required": ["indicator"]},
            "then": _progress_items(value_only),
            "else": _progress_items(percent_only),
        }
    ]


def target_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one target file."""
    properties = {
        "id": {"type": "string", "pattern": validation.ID_RE.pattern, "description": "File name."},
        "title": _texts(ONE_LINE, "One line, or a map of language code to text."),
        "policy_address": {
            "type": "integer",
            "minimum": checker.POLICY_YEARS[0],
            "maximum": checker.POLICY_YEARS[1],
        },
        "bureau": {
            **ONE_LINE,
            "description": (
                "The owning bureau or department: a code or a name declared in "
                "content/bureaus.yaml, written exactly."
            ),
        },
        "partners": {
            "type": "array",
            "items": ONE_LINE,
            "description": "Other bureaus or working groups, each declared in bureaus.yaml.",
        },
        "area": {**ONE_LINE, "description": "Policy area or theme."},
        "description": _texts(MARKDOWN, "Markdown, or a map of language code to Markdown."),
        "start": {**QUARTER, "description": "Default: Q4 of the policy-address year."},
        "due": {**QUARTER, "description": "The quarter by which the target must be met."},
        "indicator": _indicator(),
        "progress": {"type": "array", "items": _entry(), "description": "Oldest first."},
        "delay": _delay(),
        "withdrawn": _withdrawn(),
        "amendments": {
            "type": "array",
            "items": _amendment(),
            "description": "Why the published promise (due, start, indicator) was changed, "
            "added in the same commit as the change.",
        },
        "replaces": {
            "type": "string",
            "pattern": validation.ID_RE.pattern,
            "description": "The id of a published target this one takes the place of.",
        },
    }
    schema = _closed(
        properties,
        ["id", "title", "policy_address", "bureau", "due"],
        validation.TARGET_FIELDS,
        allOf=_kind_rules(),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "A target of the KPI portal register",
        **schema,
    }


def schema_json() -> str:
    """The schema as the text of ``target.schema.json``."""
    return json.dumps(target_schema(), indent=2, ensure_ascii=False) + "\n"
