"""The JSON Schema editors use agrees with the validator."""

from __future__ import annotations

import datetime
import json
import textwrap

import jsonschema
import pytest
import yaml

from generator.register import schema, validation
from generator.register.loader import read_target
from tests.conftest import ROOT, SAMPLE_REGISTER


def validator() -> jsonschema.Draft202012Validator:
    """A validator for the schema, checking formats too."""
    return jsonschema.Draft202012Validator(
        schema.target_schema(), format_checker=jsonschema.FormatChecker()
    )


def as_editor_sees(value):
    """YAML as the editor's YAML 1.2 reader sees it: dates stay text."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema.target_schema())


def test_committed_schema_is_current():
    committed = (ROOT / "docs" / "target.schema.json").read_text(encoding="utf-8")
    assert committed == schema.schema_json(), "run 'invoke schema' and commit the result"


def test_schema_names_exactly_the_validator_fields():
    properties = schema.target_schema()["properties"]
    assert tuple(properties) == validation.TARGET_FIELDS
    assert tuple(properties["indicator"]["properties"]) == validation.INDICATOR_FIELDS
    assert tuple(properties["progress"]["items"]["properties"]) == validation.ENTRY_FIELDS
    assert tuple(properties["delay"]["properties"]) == validation.DELAY_FIELDS
    assert tuple(properties["withdrawn"]["properties"]) == validation.WITHDRAWN_FIELDS


@pytest.mark.parametrize("path", sorted(SAMPLE_REGISTER.rglob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_file_passes_and_points_editors_at_the_schema(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../docs/target.schema.json\n")
    errors = list(validator().iter_errors(as_editor_sees(yaml.safe_load(text))))
    assert errors == []


VALID = """\
    id: PA2023-017
    title: Build 30 sites
    policy_address: 2023
    bureau: Housing Bureau
    due: 2025-Q4
    indicator: {unit: sites, baseline: 0, target: 30}
    progress:
      - {quarter: 2024-Q1, value: 3}
    """

BAD = {
    "bad quarter": ("due: 2025-Q4", "due: 2025-Q5"),
    "unknown field": ("bureau: Housing Bureau", "bureua: Housing Bureau"),
    "missing bureau": ("bureau: Housing Bureau\n", ""),
    "percent on numeric": ("value: 3}", "percent_complete: 3}"),
    "bad id": ("id: PA2023-017", "id: PA 2023/017"),
    "bad direction": ("target: 30}", "target: 30, direction: up}"),
    "ftp source": ("value: 3}", "value: 3, sources: ['ftp://x']}"),
    "year as text": ("policy_address: 2023", "policy_address: last year"),
    "two-line title": ("title: Build 30 sites", "title: \"Build\\n30 sites\""),
    "delay without measures": ("progress:", "delay: {reason: x, revised_due: 2026-Q1}\nprogress:"),
}  # fmt: skip


def test_valid_file_passes_both(tmp_path):
    path = tmp_path / "PA2023-017.yaml"
    path.write_text(textwrap.dedent(VALID))
    assert read_target(path, "en", None)[1] == []
    assert list(validator().iter_errors(yaml.safe_load(path.read_text()))) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_rejected_by_both(tmp_path, case):
    old, new = BAD[case]
    text = textwrap.dedent(VALID)
    assert old in text
    path = tmp_path / "PA2023-017.yaml"
    path.write_text(text.replace(old, new, 1))
    assert read_target(path, "en", None)[1], "the validator should reject it"
    data = as_editor_sees(yaml.safe_load(path.read_text()))
    assert list(validator().iter_errors(data)), "the schema should reject it"


def test_site_publishes_the_schema(fixture_site):
    published = json.loads((fixture_site / "data" / "schema.json").read_text(encoding="utf-8"))
    assert published == schema.target_schema()
