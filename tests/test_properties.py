"""Property tests: status is total and consistent; loading never raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.assess import status
from generator.register.errors import Problem
from generator.register.loader import read_target
from generator.register.model import (
    DECREASE,
    INCREASE,
    Delay,
    Indicator,
    ProgressEntry,
    Target,
    Withdrawal,
)
from generator.register.quarters import Quarter
from generator.register.yamldoc import load_document

# Deterministic, so a failure is a failure on every run, not now and then.
FAST = settings(max_examples=200, deadline=None, derandomize=True, database=None)

quarters = st.builds(Quarter, st.integers(2018, 2032), st.integers(1, 4))
numbers = st.one_of(
    st.integers(-1000, 1000),
    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False),
)


@st.composite
def targets(draw) -> Target:
    start = draw(quarters)
    due = start.shift(draw(st.integers(0, 16)))
    milestone = draw(st.booleans())
    indicator = None
    if not milestone:
        baseline, target = draw(numbers), draw(numbers)
        if baseline == target:
            target = baseline + 1
        direction = INCREASE if target > baseline else DECREASE
        indicator = Indicator({"en": "units"}, baseline, target, direction)
    offsets = sorted(draw(st.sets(st.integers(-4, 24), max_size=8)))
    progress = []
    for offset in offsets:
        if milestone:
            entry = ProgressEntry(start.shift(offset), percent_complete=draw(st.floats(0, 100)))
        else:
            entry = ProgressEntry(start.shift(offset), value=draw(numbers))
        progress.append(entry)
    delay = None
    if draw(st.booleans()):
        delay = Delay("Late.", due.shift(draw(st.integers(1, 8))), "Recovering.")
    withdrawn = None
    if draw(st.booleans()):
        withdrawn = Withdrawal(start.shift(draw(st.integers(0, 24))), "Dropped.")
    return Target(
        id="T-1",
        title={"en": "A target"},
        policy_address=start.year,
        bureau="A Bureau",
        start=start,
        due=due,
        indicator=indicator,
        progress=tuple(progress),
        delay=delay,
        withdrawn=withdrawn,
    )


@FAST
@given(targets(), quarters, st.sampled_from([0.0, 0.1, 0.2, 0.5, 1.0]))
def test_every_target_has_exactly_one_status_and_consistent_flags(target, r, lag):
    a = status.assess(target, r, at_risk_lag=lag)
    assert a.status == status.status_as_of(target, r, lag)
    assert a.status in status.STATUSES
    assert set(a.flags) <= set(status.FLAGS)
    assert list(a.flags) == [f for f in status.FLAGS if f in a.flags]  # ordered, no repeats

    seen = target.entries_until(r)
    reached = [e for e in seen if target.reached(e)]
    reported = any(e.quarter == r for e in target.progress)
    withdrawn = target.withdrawn is not None and target.withdrawn.quarter <= r

    # The status is the first rule of REGISTER.md that applies.
    assert (a.status == status.WITHDRAWN) == withdrawn
    if not withdrawn:
        assert (a.status == status.ACHIEVED) == any(e.quarter <= target.due for e in reached)
        if a.status == status.ACHIEVED_LATE:
            assert reached and reached[0].quarter > target.due
        assert (a.status in (status.ACHIEVED, status.ACHIEVED_LATE)) == bool(reached)
        if not reached:
            assert (a.status == status.MISSED) == (r >= target.due)
            assert (a.status in (status.AT_RISK, status.ON_TRACK)) == (r < target.due)

    # Flags follow from the status.
    open_status = a.status in (status.MISSED, status.AT_RISK, status.ON_TRACK)
    assert (status.NOT_REPORTED in a.flags) == (open_status and not reported)
    assert (status.JUSTIFICATION_MISSING in a.flags) == (
        a.status == status.MISSED and target.delay is None
    )
    assert (status.REVISED_DUE_PASSED in a.flags) == (
        a.status == status.MISSED and target.delay is not None and target.delay.revised_due < r
    )
    assert a.is_missed == (a.status == status.MISSED)

    # The figures.
    assert 0.0 <= a.expected <= 1.0
    assert a.latest == (seen[-1] if seen else None)
    if not seen:
        assert a.fraction == 0.0


@FAST
@given(st.binary(max_size=3000))
def test_load_document_never_raises_on_arbitrary_bytes(raw):
    doc, problems = load_document("targets/X.yaml", raw)
    assert_loaded(doc, problems)


@FAST
@given(st.text(max_size=2000))
def test_load_document_never_raises_on_arbitrary_text(text):
    doc, problems = load_document("targets/X.yaml", text.encode("utf-8", "surrogatepass"))
    assert_loaded(doc, problems)


def assert_loaded(doc, problems):
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) and p.path == "targets/X.yaml" for p in problems)
    assert doc is not None or problems
    for p in problems:
        str(p)  # every problem can be shown


# YAML-ish text: lines built from the register's own vocabulary, broken in every way.
KEYS = [
    "id", "title", "policy_address", "bureau", "partners", "area", "description", "start",
    "due", "indicator", "unit", "baseline", "target", "direction", "progress", "quarter",
    "value", "percent_complete", "note", "sources", "verified_by", "delay", "reason",
    "revised_due", "measures", "submitted", "responsible", "withdrawn", "en", "zh-Hant",
    "X", "-", "<<",
]  # fmt: skip
VALUES = [
    "", "X", "PA2023-017", "2023", "2024-Q1", "2025-Q4", "2024-Q5", "2026-01-15", "2026-02-30",
    "increase", "decrease", "0", "100", "101", "-1", "1.5", "1e3", ".inf", ".nan", "~", "null",
    "true", "no", "[]", "{}", "[a, b]", "{en: x}", "|", ">", "&a x", "*a", "!!python/none ''",
    "!!str 5", "'quoted'", '"esc\\n"', "https://www.gov.hk/x", "ftp://x", "-", "- x",
]  # fmt: skip
PLAUSIBLE = [
    "2024-Q3", "2025-Q1", "2026-Q4", "5", "15", "25", "99.5", "Some text", "[Housing Bureau]",
    "https://example.org/a", "2026-01-15", "decrease",
]  # fmt: skip
values = st.one_of(st.sampled_from(VALUES), st.text(max_size=20))
INDENTS = ["", "  ", "    ", "      ", "- ", "  - ", "    - "]

yaml_lines = st.one_of(
    st.builds(
        lambda indent, key, value: f"{indent}{key}: {value}".rstrip(),
        st.sampled_from(INDENTS),
        st.sampled_from(KEYS),
        values,
    ),
    st.builds(lambda indent, value: f"{indent}{value}", st.sampled_from(INDENTS), values),
)
VALID_TARGET = """\
id: X
title: Open more parks
policy_address: 2023
bureau: Leisure Bureau
start: 2024-Q1
due: 2025-Q4
indicator:
  unit: parks
  baseline: 10
  target: 20
progress:
  - quarter: 2024-Q1
    value: 12
    sources:
      - https://www.gov.hk/parks
  - quarter: 2024-Q2
    value: 14
delay:
  reason: Late.
  revised_due: 2026-Q2
  measures: More crews.
""".splitlines()


@st.composite
def edited_targets(draw) -> str:
    """A valid target file (numeric or milestone) with a few lines replaced, dropped or added."""
    lines = list(VALID_TARGET)
    if draw(st.booleans()):  # as a milestone target
        lines = [ln.replace("value:", "percent_complete:") for ln in lines[:6] + lines[10:]]
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3]))):
        i = draw(st.integers(0, len(lines)))
        edit = draw(st.sampled_from(["value", "drop", "insert", "duplicate"]))
        if edit == "insert" or i == len(lines):
            lines.insert(i, draw(yaml_lines))
        elif edit == "drop":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        else:
            head = lines[i].split(":", 1)[0]
            lines[i] = f"{head}: {draw(st.one_of(st.sampled_from(PLAUSIBLE), values))}"
    return "\n".join(lines) + "\n"


yaml_texts = st.one_of(edited_targets(), st.lists(yaml_lines, max_size=30).map("\n".join))


@pytest.fixture(scope="module")
def target_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("register") / "X.yaml"


@FAST
@given(text=yaml_texts, reporting=st.one_of(st.none(), quarters))
def test_read_target_never_raises_and_what_it_accepts_can_be_assessed(target_file, text, reporting):
    target_file.write_bytes(text.encode("utf-8", "surrogatepass"))
    target, problems = read_target(target_file, "en", reporting)
    assert all(isinstance(p, Problem) for p in problems)
    assert (target is None) == bool(problems)
    if target is not None:
        r = status.reporting_quarter([target], reporting) or target.start
        status.assess(target, r)
