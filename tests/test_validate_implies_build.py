"""If validate passes, build passes: every number published is finite, every quarter
buildable, every figure shown as typed.

First the defects one by one; then a property over generated registers and settings run
through everything the build computes without Pelican (fast, many examples); then a few
full builds of generated registers and of registers at the limits.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from generator import charts, settings, validation, wording
from generator.errors import RegisterError
from generator.quarters import Quarter
from generator.register import SourceFile, load_sources
from generator.yamldoc import Document

# Bureau names the fixture register uses, so generated files name declared bureaus.
BUREAUS = ("Education Bureau", "Transport Bureau")


def target_text(**fields) -> str:
    """A valid numeric target file, with top-level fields replaced or added (None: dropped)."""
    values = {
        "id": "T-1",
        "title": "Connect schools",
        "policy_address": "2024",
        "bureau": BUREAUS[0],
        "due": "2026-Q4",
        "indicator": "{unit: schools, baseline: 100, target: 500}",
        "progress": "[{quarter: 2025-Q3, value: 300}]",
    } | fields
    return "".join(f"{key}: {value}\n" for key, value in values.items() if value is not None)


def load(text: str, reporting_quarter: Quarter | None = None) -> list:
    """Validate ``text`` as the register's only file, T-1.yaml."""
    source = SourceFile("targets/T-1.yaml", "T-1", text.encode())
    return load_sources([source], reporting_quarter=reporting_quarter, default_lang="en")


def refusal(text: str) -> str:
    """The error validating ``text`` gives; it must be a register error, not a crash."""
    with pytest.raises(RegisterError) as error:
        load(text)
    assert "Traceback" not in str(error.value)
    return str(error.value)


def test_the_base_file_is_valid():
    assert load(target_text())[0].indicator.target == 500


# --- numbers -----------------------------------------------------------------------


def checked(value) -> list[str]:
    """The problems the validator finds with ``value`` as indicator.target (no YAML)."""
    data = {
        "id": "T-1",
        "title": "Connect schools",
        "policy_address": 2024,
        "bureau": BUREAUS[0],
        "due": "2026-Q4",
        "indicator": {"unit": "schools", "baseline": 0, "target": value},
    }
    _target, problems = validation.build_target(Document("t/T-1.yaml", data), "T-1", "en")
    return [str(p) for p in problems]


def test_a_denormal_target_is_refused_not_published_as_infinity():
    # 5e-324 passed, and targets.json said "progress_fraction": Infinity.
    message = refusal(target_text(indicator="{unit: u, baseline: 0, target: 5.0e-324}"))
    assert "indicator.target: " in message
    assert checked(5e-324) == [
        "t/T-1.yaml: indicator.target: 5e-324 has more than 6 digits after the decimal "
        "point: round it (at most 6 decimals)"
    ]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0.0000001", "has more than 6 digits after the decimal point"),
        ("1.1234567", "has more than 6 digits after the decimal point"),
        ("1234567890.123456", "more than 15 significant digits"),
        ("1234567890123.456", "more than 15 significant digits"),
        ("1000000000000001", "is too large"),
    ],
)
def test_figures_beyond_what_a_kpi_needs_are_refused(typed, problem):
    message = refusal(target_text(indicator=f"{{unit: u, baseline: 0, target: {typed}}}"))
    assert f"indicator.target: {typed} " in message or "indicator.target: " in message
    assert problem in message


@pytest.mark.parametrize(
    "typed", ["0.000001", "999999999.999999", "123456789012345", "-0.5", "1000000000000000"]
)
def test_figures_at_the_limits_are_accepted(typed):
    assert load(target_text(indicator=f"{{unit: u, baseline: -1, target: {typed}}}"))


def test_a_progress_value_and_a_percentage_are_checked_alike():
    message = refusal(target_text(progress="[{quarter: 2025-Q3, value: 3.0000001}]"))
    assert "progress[0].value: 3.0000001 has more than 6 digits" in message
    milestone = target_text(
        indicator=None, progress="[{quarter: 2025-Q3, percent_complete: 0.1234567}]"
    )
    assert "progress[0].percent_complete: 0.1234567 has more than 6" in refusal(milestone)


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (3.001, "3.001"),
        (9333.33, "9,333.33"),
        (1250, "1,250"),
        (3.5, "3.5"),
        (0.000001, "0.000001"),
        (-0.25, "-0.25"),
        (123456789012345, "123,456,789,012,345"),
        (999999999.999999, "999,999,999.999999"),
        (1e15, "1,000,000,000,000,000"),
        (18 - 9.1, "8.9"),  # a difference of typed figures, not 8.899999999999999
        (100.0, "100"),
        (None, "—"),
    ],
)
def test_figures_are_shown_as_typed(number, shown):
    assert wording.fmt_number(number) == shown


def test_the_chart_labels_its_goal_as_typed():
    target = load(target_text(indicator="{unit: u, baseline: 1, target: 3.001}"))[0]
    spec = charts.target_spec(target, Quarter(2025, 3))
    goal = next(d for d in spec["data"] if d["name"] == "goal")
    assert goal["values"] == [{"level": 3.001, "label": "3.001"}]


# --- years and quarters --------------------------------------------------------------


@pytest.mark.parametrize("year", ["9999", "1949", "2101", "1000"])
def test_a_policy_address_year_outside_1950_to_2100_is_refused(year):
    message = refusal(target_text(policy_address=year, due=f"{year}-Q4"))
    assert f"policy_address: {year} is not a year from 1950 to 2100" in message


@pytest.mark.parametrize(
    ("year", "start", "due", "progress"),
    [
        ("1950", "1940-Q1", "1940-Q1", "1940-Q1"),
        ("2100", "2130-Q4", "2130-Q4", "2130-Q4"),
        ("2100", "2090-Q1", "2130-Q4", "2130-Q4"),
    ],
)
def test_quarters_at_the_limits_are_accepted(year, start, due, progress):
    text = target_text(
        policy_address=year, start=start, due=due, progress=f"[{{quarter: {progress}, value: 1}}]"
    )
    assert load(text)[0].due == Quarter.parse(due)


@pytest.mark.parametrize("text", ["1939-Q4", "2131-Q1", "9999-Q4", "0000-Q1"])
def test_a_quarter_outside_the_years_the_portal_handles_is_refused(text):
    with pytest.raises(ValueError, match="outside the years 1940 to 2130"):
        Quarter.parse(text)
    with pytest.raises(settings.SettingsError, match="REPORTING_QUARTER: .*1940 to 2130"):
        settings.from_pelican({"REPORTING_QUARTER": text})


def test_a_quarter_far_from_the_policy_address_still_says_so():
    message = refusal(target_text(due="3025-Q4"))
    assert "due: 3025-Q4 is too far from the policy address (2024): check the year" in message


# --- helpers shared by the property tests below ---------------------------------------

FINITE_FIGURE = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]{1,6})?")


def refuse_constant(name: str):
    """``json.loads`` hook: NaN and Infinity are not JSON."""
    raise AssertionError(f"{name} in published JSON")


def assert_finite(value, where: str) -> None:
    """Every number anywhere inside ``value`` is finite."""
    if isinstance(value, float):
        assert math.isfinite(value), where
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_finite(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            assert_finite(item, f"{where}[{i}]")
