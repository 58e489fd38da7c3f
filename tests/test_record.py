"""The published record: the amendments and replaces fields, and the record computed from
hand-made sequences of published versions (no git here; see test_record_git.py)."""

from __future__ import annotations

import datetime
import textwrap

import pytest

from generator.register import SourceFile, read_source

HEAD = """\
id: PA2023-017
title: Open the new harbour ferry pier
policy_address: 2023
bureau: Transport and Logistics Bureau
due: 2025-Q4
"""


def read(text: str):
    """The target and the problems (as staff read them) of one file's text."""
    source = SourceFile("PA2023-017.yaml", "PA2023-017", (HEAD + textwrap.dedent(text)).encode())
    target, problems, _ = read_source(source, "en")
    return target, [str(p) for p in problems]


# --- the register fields ----------------------------------------------------------------


def test_amendments_and_replaces_are_read():
    target, problems = read(
        """\
        replaces: PA2022-001
        amendments:
          - date: 2026-03-01
            fields: [due, indicator.target]
            reason: The site was **flooded**.
            approved_by: LegCo paper CB(1)123/26
            correction: false
          - date: 2026-04-01
            fields: [indicator]
            reason: Typo in the baseline.
            correction: true
        """
    )
    assert problems == []
    first, second = target.amendments
    assert first.date == datetime.date(2026, 3, 1)
    assert first.fields == ("due", "indicator.target")
    assert first.approved_by == "LegCo paper CB(1)123/26"
    assert first.correction is False and second.correction is True
    assert second.covers("indicator.baseline") and not first.covers("start")
    assert target.replaces == "PA2022-001"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "fields: [due]\n    reason: r",
            "PA2023-017.yaml:7: amendments[0].date: required field 'date' is missing",
        ),
        (
            "date: 2026-13-01\n    fields: [due]\n    reason: r",
            "PA2023-017.yaml:7: amendments[0].date: cannot read this value (month must be in "
            "1..12)",
        ),
        (
            "date: 2026-01-01\n    fields: [deadline]\n    reason: r",
            "PA2023-017.yaml:8: amendments[0].fields[0]: 'deadline' is not a promise field",
        ),
        (
            "date: 2026-01-01\n    fields: [indicator.targt]\n    reason: r",
            "PA2023-017.yaml:8: amendments[0].fields[0]: 'indicator.targt' is not a promise "
            "field: did you mean 'indicator.target'?",
        ),
        (
            "date: 2026-01-01\n    fields: []\n    reason: r",
            "PA2023-017.yaml:8: amendments[0].fields: name at least one changed field",
        ),
        (
            "date: 2026-01-01\n    fields: [due]",
            "PA2023-017.yaml:7: amendments[0].reason: required field 'reason' is missing",
        ),
        (
            "date: 2026-01-01\n    fields: [due]\n    reason: r\n    correction: 'true'",
            "PA2023-017.yaml:10: amendments[0].correction: must be true or false, not the text "
            "'true'",
        ),
        (
            "date: 2026-01-01\n    fields: [due]\n    reason: r\n    why: x",
            "PA2023-017.yaml:10: amendments[0].why: unknown field",
        ),
    ],
)
def test_a_bad_amendment_names_file_line_and_field(entry, expected):
    target, problems = read(f"amendments:\n  - {entry}\n")
    assert any(p.startswith(expected) for p in problems), problems


def test_a_target_cannot_replace_itself_nor_a_non_id():
    _, problems = read("replaces: PA2023-017\n")
    assert problems == [
        "PA2023-017.yaml:6: replaces: a target cannot replace itself (PA2023-017): give the id "
        "of the earlier target, or remove the line"
    ]
    _, problems = read("replaces: not an id!\n")
    assert problems[0].startswith("PA2023-017.yaml:6: replaces: 'not an id!' is not a target id")
