"""The JSON Schema of a target file, built from the fields the model declares.

Editors use it to autocomplete and underline mistakes as staff type (VS Code's
YAML extension reads the ``# yaml-language-server: $schema=...`` line). It
covers what a schema can express; cross-field rules (id equals file name,
quarters in order, direction agreeing with the numbers) stay with the validator.
"""

from __future__ import annotations

import json
from typing import Any

from . import checker, fields, validation
from .model import PROMISE_FIELDS, ProgressEntry, Target
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


def _texts(text: dict) -> dict:
    return {"oneOf": [text, _language_map(text)]}


# The schema of each kind of field, before its declaration adds bounds, choices, a default
# and its help as the description.
KIND_SCHEMAS: dict[str, Any] = {
    fields.LINE: ONE_LINE,
    fields.MARKDOWN: MARKDOWN,
    fields.TEXTS: _texts(ONE_LINE),
    fields.MARKDOWN_TEXTS: _texts(MARKDOWN),
    fields.ID: {"type": "string", "pattern": validation.ID_RE.pattern},
    fields.YEAR: {"type": "integer"},
    fields.QUARTER: QUARTER,
    fields.NUMBER: NUMBER,
    fields.DATE: {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
    fields.BOOLEAN: {"type": "boolean"},
    fields.CHOICE: {},
    fields.LINES: {"type": "array", "items": ONE_LINE},
    fields.URLS: {
        "type": "array",
        "items": {"type": "string", "pattern": "^https?://[^\\s/]+\\S*$"},
    },
    fields.NAMES: {"type": "array", "items": {"enum": list(PROMISE_FIELDS)}, "minItems": 1},
}


def _field(spec: fields.Spec) -> dict:
    """The schema of one declared field."""
    if spec.kind == fields.GROUP:
        schema = _object(spec.group)
    elif spec.kind == fields.ENTRIES:
        schema = {"type": "array", "items": _object(spec.group)}
    else:
        schema = dict(KIND_SCHEMAS[spec.kind])
    if spec.translated and spec.help:  # a description before the choice of forms reads first
        schema = {"description": spec.help, **schema}
    if spec.bounds is not None:
        schema |= {"minimum": spec.bounds[0], "maximum": spec.bounds[1]}
    schema |= dict(spec.schema)
    if spec.choices:
        schema["enum"] = list(spec.choices)
    if spec.default is not None:
        schema["default"] = spec.default
    if spec.help:
        schema["description"] = spec.help
    return schema


def _object(cls: type) -> dict:
    """A closed mapping of the fields ``cls`` declares, with the rules between them."""
    declared = fields.specs(cls)
    return {
        "type": "object",
        "properties": {spec.name: _field(spec) for spec in declared},
        "required": [spec.name for spec in declared if spec.required],
        "additionalProperties": False,
        **CROSS_FIELD_RULES.get(cls, {}),
    }


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


# What a schema can say of the rules between fields (the validator has them all).
CROSS_FIELD_RULES: dict[type, dict] = {
    ProgressEntry: {"oneOf": [{"required": ["value"]}, {"required": ["percent_complete"]}]},
    Target: {"allOf": _kind_rules()},
}


def target_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one target file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "A target of the KPI portal register",
        **_object(Target),
    }


def schema_json() -> str:
    """The schema as the text of ``target.schema.json``."""
    return json.dumps(target_schema(), indent=2, ensure_ascii=False) + "\n"
