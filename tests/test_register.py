"""Loading and validating the register (generator/register.py, generator/validation.py).

Every fixture is written inline; line numbers in the expected messages count from the
first line of the dedented YAML. Display paths are relative to the working folder,
which each test sets to its own tmp_path.
"""

from __future__ import annotations

import datetime
import textwrap
import time
from pathlib import Path

import pytest

from generator.assess import status
from generator.register.errors import Problem, RegisterError
from generator.register.loader import load_register, read_target
from generator.register.model import DECREASE, INCREASE
from generator.register.quarters import Quarter

FILE = "targets/2023/PA2023-017.yaml"
ALIAS_MESSAGE = "YAML aliases (*name) are not allowed in the register: write the value out"

# Lines 1-5 of most fixtures: a valid milestone target.
HEAD = """\
id: PA2023-017
title: Open the new harbour ferry pier
policy_address: 2023
bureau: Transport and Logistics Bureau
due: 2025-Q4
"""


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def write(path: str, text: str | bytes) -> Path:
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


def problems_of(**settings) -> list[Problem]:
    with pytest.raises(RegisterError) as exc:
        load_register("targets", **{"default_lang": "en", "reporting_quarter": None, **settings})
    return exc.value.problems


def report(**settings) -> list[str]:
    """Every problem of the register under ./targets, as staff read them."""
    return [str(p) for p in problems_of(**settings)]


def problems_of_text(text: str) -> list[Problem]:
    write(FILE, text)
    return problems_of()


def only(text: str, path: str = FILE, **settings) -> list[str]:
    """Write one target file and return the problems reported for the register."""
    write(path, text)
    return report(**settings)


# --- a valid register --------------------------------------------------------


def test_valid_file_loads_with_defaults():
    write(
        FILE,
        """\
        id: PA2023-017
        title: Open 20 more community parks
        policy_address: 2023
        bureau: Leisure and Cultural Services Department
        due: 2025-Q4
        indicator:
          unit: parks
          baseline: 10
          target: 30
        progress:
          - quarter: 2024-Q1
            value: 12
          - quarter: 2024-Q2
            value: 15.5
        """,
    )
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.id == "PA2023-017"
    assert target.title == {"en": "Open 20 more community parks"}
    assert target.policy_address == 2023
    assert target.bureau == "Leisure and Cultural Services Department"
    assert target.start == Quarter(2023, 4)  # Q4 of the policy address year
    assert target.due == Quarter(2025, 4)
    assert target.indicator.unit == {"en": "parks"}
    assert (target.indicator.baseline, target.indicator.target) == (10, 30)
    assert target.indicator.direction == INCREASE
    assert [(e.quarter, e.value) for e in target.progress] == [
        (Quarter(2024, 1), 12),
        (Quarter(2024, 2), 15.5),
    ]
    assert target.partners == ()
    assert target.area is None
    assert target.description == {}
    assert target.delay is None
    assert target.withdrawn is None
    assert not target.is_milestone
    assert target.source_path == FILE


def test_valid_file_with_every_optional_field_loads():
    write(
        "targets/housing/HB-2024-3.yaml",
        """\
        id: HB-2024-3
        title:
          en: Cut the waiting time for public rental housing
          zh-Hant: 縮短公屋輪候時間
        policy_address: 2024
        bureau: Housing Bureau
        partners:
          - Housing Department
          - Lands Department
        area: Housing
        description:
          en: |
            Bring the **average** waiting time down.

            Second paragraph.
        start: 2024-Q1
        due: 2026-Q4
        indicator:
          unit: years
          baseline: 5.6
          target: 4.5
          direction: decrease
        progress:
          - quarter: 2024-Q2
            value: 5.5
            note: Counted by the Housing Department.
            sources:
              - https://www.housingauthority.gov.hk/en/figures.html
              - http://example.org/report.pdf
            verified_by: Audit Commission
          - quarter: 2024-Q4
            value: 5.3
        delay:
          reason: Fewer flats completed than planned.
          revised_due: 2027-Q2
          measures: Light public housing.
          submitted: 2026-01-15
          responsible: Secretary for Housing
        withdrawn:
          quarter: 2027-Q1
          reason: Replaced by HB-2027-1.
        """,
    )
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.title == {
        "en": "Cut the waiting time for public rental housing",
        "zh-Hant": "縮短公屋輪候時間",
    }
    assert target.partners == ("Housing Department", "Lands Department")
    assert target.area == "Housing"
    assert target.description["en"].startswith("Bring the **average** waiting time down.")
    assert "Second paragraph." in target.description["en"]
    assert target.start == Quarter(2024, 1)
    assert target.indicator.direction == DECREASE
    first = target.progress[0]
    assert first.note == "Counted by the Housing Department."
    assert first.sources == (
        "https://www.housingauthority.gov.hk/en/figures.html",
        "http://example.org/report.pdf",
    )
    assert first.verified_by == "Audit Commission"
    assert target.progress[1].verified_by is None
    assert target.delay.revised_due == Quarter(2027, 2)
    assert target.delay.submitted == datetime.date(2026, 1, 15)
    assert target.delay.responsible == "Secretary for Housing"
    assert target.withdrawn.quarter == Quarter(2027, 1)
    assert target.source_path == "targets/housing/HB-2024-3.yaml"


def test_milestone_target_accepts_percent_complete_from_0_to_100():
    progress = """\
        progress:
          - quarter: 2024-Q1
            percent_complete: 0
          - quarter: 2024-Q2
            percent_complete: 37.5
          - quarter: 2024-Q3
            percent_complete: 100
        """
    write(FILE, HEAD + textwrap.dedent(progress))
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.is_milestone
    assert [e.percent_complete for e in target.progress] == [0, 37.5, 100]


def test_targets_from_every_sub_folder_are_returned_sorted_by_id():
    for folder, target_id in (("2024", "B-2"), ("2023", "C-1"), ("housing/old", "A-9")):
        write(f"targets/{folder}/{target_id}.yaml", HEAD.replace("PA2023-017", target_id))
    targets = load_register("targets", reporting_quarter=None, default_lang="en")
    assert [t.id for t in targets] == ["A-9", "B-2", "C-1"]
    assert [t.source_path for t in targets] == [
        "targets/housing/old/A-9.yaml",
        "targets/2024/B-2.yaml",
        "targets/2023/C-1.yaml",
    ]


def test_progress_in_the_reporting_quarter_itself_is_allowed():
    write(FILE, HEAD + "progress:\n  - quarter: 2024-Q1\n    percent_complete: 10\n")
    [target] = load_register("targets", reporting_quarter=Quarter(2024, 1), default_lang="en")
    assert target.progress[0].quarter == Quarter(2024, 1)


def test_another_default_language_makes_a_plain_title_that_language():
    write(FILE, HEAD)
    [target] = load_register("targets", reporting_quarter=None, default_lang="zh-Hant")
    assert target.title == {"zh-Hant": "Open the new harbour ferry pier"}


def test_another_default_language_must_be_in_every_title_map():
    write(FILE, HEAD.replace("title: Open the new harbour ferry pier", "title:\n  en: Pier"))
    assert report(default_lang="zh-Hant") == [
        f"{FILE}:2: title: the default language 'zh-Hant' must be given: "
        "add a line 'zh-Hant: ...' with that text"
    ]


def test_missing_register_folder_is_a_problem():
    assert report() == ["targets: register folder not found: check TARGETS_PATH"]


def test_register_folder_without_yaml_files_is_a_problem():
    Path("targets/2023").mkdir(parents=True)
    assert report() == ["targets: no *.yaml files"]


# --- ids ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    ["PA_2023_017", "-PA2023", "PA 2023", "PA2023.017", "目標-1", "A" * 65],
)
def test_id_must_match_the_id_pattern(bad_id):
    path = f"targets/2023/{bad_id}.yaml"
    assert only(HEAD.replace("PA2023-017", bad_id), path) == [
        f"{path}:1: id: {bad_id!r} must be letters, digits and '-' only (at most 64): "
        "use an id such as PA2023-017, and the same file name"
    ]


def test_id_of_64_characters_is_allowed():
    long_id = "A" + "b-1" * 21
    write(f"targets/{long_id}.yaml", HEAD.replace("PA2023-017", long_id))
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.id == long_id


def test_id_must_equal_the_file_name():
    assert only(HEAD.replace("id: PA2023-017", "id: PA2023-018")) == [
        f"{FILE}:1: id: 'PA2023-018' must equal the file name (PA2023-017.yaml): "
        "rename the file or fix the id"
    ]


def test_duplicate_id_across_sub_folders_is_reported():
    write("targets/2023/PA2023-017.yaml", HEAD)
    write("targets/housing/PA2023-017.yaml", HEAD)
    [problem] = problems_of()
    assert problem.path == "targets/housing/PA2023-017.yaml"
    assert problem.field == "id"
    assert problem.message == (
        "'PA2023-017' is already used by targets/2023/PA2023-017.yaml: "
        "give each target its own id and file name"
    )


def test_ids_differing_only_by_case_are_duplicates():
    write("targets/a/Road-1.yaml", HEAD.replace("PA2023-017", "Road-1"))
    write("targets/b/ROAD-1.yaml", HEAD.replace("PA2023-017", "ROAD-1"))
    [problem] = problems_of()
    assert problem.path == "targets/b/ROAD-1.yaml"
    assert problem.field == "id"
    assert problem.message == (
        "'ROAD-1' is already used by targets/a/Road-1.yaml: "
        "give each target its own id and file name"
    )


def test_duplicate_id_problem_names_the_line_of_the_id():
    # Bug: register.check_unique_ids builds Problem(target.source_path, None, "id", ...),
    # so this is the one field-level problem printed without "file:line:".
    write("targets/2023/PA2023-017.yaml", HEAD)
    write("targets/housing/PA2023-017.yaml", HEAD)
    assert report() == [
        "targets/housing/PA2023-017.yaml:1: id: "
        "'PA2023-017' is already used by targets/2023/PA2023-017.yaml: "
        "give each target its own id and file name"
    ]


def test_duplicate_id_is_reported_even_when_the_copy_has_other_problems():
    # Bug: check_unique_ids only sees targets that loaded without problems, so the
    # duplicate only shows up on a second run, after the other problem is fixed.
    write("targets/2023/PA2023-017.yaml", HEAD)
    write("targets/housing/PA2023-017.yaml", HEAD.replace("due: 2025-Q4", "due: 2025-Q9"))
    fields = {(p.path, p.field) for p in problems_of()}
    assert ("targets/housing/PA2023-017.yaml", "due") in fields
    assert ("targets/housing/PA2023-017.yaml", "id") in fields


# --- required fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "title: T\npolicy_address: 2023\nbureau: B\ndue: 2025-Q4\n",
            "1: id: required field 'id' is missing: add a line 'id: ...'",
            id="id",
        ),
        pytest.param(
            "id: PA2023-017\npolicy_address: 2023\nbureau: B\ndue: 2025-Q4\n",
            "1: title: required field 'title' is missing: add a line 'title: ...'",
            id="title",
        ),
        pytest.param(
            "id: PA2023-017\ntitle: T\nbureau: B\ndue: 2025-Q4\n",
            "1: policy_address: required field 'policy_address' is missing: "
            "add a line 'policy_address: ...'",
            id="policy_address",
        ),
        pytest.param(
            "id: PA2023-017\ntitle: T\npolicy_address: 2023\ndue: 2025-Q4\n",
            "1: bureau: required field 'bureau' is missing: add a line 'bureau: ...'",
            id="bureau",
        ),
        pytest.param(
            "id: PA2023-017\ntitle: T\npolicy_address: 2023\nbureau: B\n",
            "1: due: required field 'due' is missing: add a line 'due: ...'",
            id="due",
        ),
        pytest.param(
            HEAD + "indicator:\n  baseline: 10\n  target: 30\n",
            "6: indicator.unit: required field 'unit' is missing: "
            "add a line 'unit: ...' under 'indicator:'",
            id="indicator.unit",
        ),
        pytest.param(
            HEAD + "indicator:\n  unit: parks\n  target: 30\n",
            "6: indicator.baseline: required field 'baseline' is missing: "
            "add a line 'baseline: ...' under 'indicator:'",
            id="indicator.baseline",
        ),
        pytest.param(
            HEAD + "indicator:\n  unit: parks\n  baseline: 10\n",
            "6: indicator.target: required field 'target' is missing: "
            "add a line 'target: ...' under 'indicator:'",
            id="indicator.target",
        ),
        pytest.param(
            HEAD + "delay:\n  revised_due: 2026-Q2\n  measures: More crews.\n",
            "6: delay.reason: required field 'reason' is missing: "
            "add a line 'reason: ...' under 'delay:'",
            id="delay.reason",
        ),
        pytest.param(
            HEAD + "delay:\n  reason: Tender failed.\n  measures: More crews.\n",
            "6: delay.revised_due: required field 'revised_due' is missing: "
            "add a line 'revised_due: ...' under 'delay:'",
            id="delay.revised_due",
        ),
        pytest.param(
            HEAD + "delay:\n  reason: Tender failed.\n  revised_due: 2026-Q2\n",
            "6: delay.measures: required field 'measures' is missing: "
            "add a line 'measures: ...' under 'delay:'",
            id="delay.measures",
        ),
        pytest.param(
            HEAD + "withdrawn:\n  reason: Merged into PA2024-003.\n",
            "6: withdrawn.quarter: required field 'quarter' is missing: "
            "add a line 'quarter: ...' under 'withdrawn:'",
            id="withdrawn.quarter",
        ),
        pytest.param(
            HEAD + "withdrawn:\n  quarter: 2024-Q3\n",
            "6: withdrawn.reason: required field 'reason' is missing: "
            "add a line 'reason: ...' under 'withdrawn:'",
            id="withdrawn.reason",
        ),
        pytest.param(
            HEAD
            + "progress:\n  - quarter: 2024-Q1\n    percent_complete: 5\n"
            + "  - percent_complete: 10\n",
            "9: progress[1].quarter: required field 'quarter' is missing: "
            "add a line 'quarter: ...'",
            id="progress[].quarter",
        ),
        pytest.param(
            HEAD + "indicator:\n  unit: parks\n  baseline: 10\n  target: 30\n"
            "progress:\n  - quarter: 2024-Q1\n",
            "11: progress[0].value: required field 'value' is missing: add a line 'value: ...'",
            id="progress[].value",
        ),
        pytest.param(
            HEAD + "progress:\n  - quarter: 2024-Q1\n",
            "7: progress[0].percent_complete: required field 'percent_complete' is missing: "
            "add a line 'percent_complete: ...'",
            id="progress[].percent_complete",
        ),
    ],
)
def test_missing_required_field_is_reported(text, expected):
    assert only(text) == [f"{FILE}:{expected}"]


def test_required_field_given_with_no_value_is_reported_at_its_own_line():
    # Bug: Checker.present reports a missing field at self.doc.line(parent). For a key
    # written with nothing after the colon the key's own line is known (Document.line
    # already falls back to the parent when it is not), so this says line 1, not 4.
    text = HEAD.replace("bureau: Transport and Logistics Bureau", "bureau:")
    assert only(text) == [
        f"{FILE}:4: bureau: required field 'bureau' is missing: add a line 'bureau: ...'"
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("'last year'", "the text 'last year'"), ("23", "23"), ("2023.5", "2023.5")],
)
def test_policy_address_must_be_a_year(value, shown):
    assert only(HEAD.replace("policy_address: 2023", f"policy_address: {value}")) == [
        f"{FILE}:3: policy_address: must be a year such as 2023, not {shown}: "
        "write it in four digits"
    ]


@pytest.mark.parametrize("value", ["'2023'", '"2023"'])
def test_a_year_in_quotes_is_told_the_quotes_are_the_problem(value):
    # It is four digits: "write it in four digits" sent staff looking for the wrong mistake.
    assert only(HEAD.replace("policy_address: 2023", f"policy_address: {value}")) == [
        f"{FILE}:3: policy_address: must be a year such as 2023, but '2023' is in quotes, "
        "which makes it text, not a number: remove the quotes (2023)"
    ]


def test_a_year_written_true_is_told_yaml_read_a_yes_no():
    assert only(HEAD.replace("policy_address: 2023", "policy_address: true")) == [
        f"{FILE}:3: policy_address: must be a year such as 2023, but YAML reads the bare word "
        "true as a yes/no (true or false), not a number: write a number"
    ]


@pytest.mark.parametrize(
    ("value", "shown"), [("42", "42"), ("[a, b]", "a list"), ("''", "the text ''")]
)
def test_bureau_must_be_text(value, shown):
    assert only(HEAD.replace("bureau: Transport and Logistics Bureau", f"bureau: {value}")) == [
        f"{FILE}:4: bureau: must be text, not {shown}: write the text after the colon"
    ]


# --- quarters ----------------------------------------------------------------


def test_bad_quarter_in_progress_names_entry_and_line():
    text = HEAD + textwrap.dedent(
        """\
        progress:
          - quarter: 2024-Q3
            percent_complete: 10
          - quarter: 2024-Q4
            percent_complete: 20
          - quarter: 2024-Q5
            percent_complete: 30
        """
    )
    assert only(text) == [
        f"{FILE}:11: progress[2].quarter: '2024-Q5' is not a quarter (use YYYY-Qn): a year has "
        "quarters Q1 to Q4 only"
    ]


@pytest.mark.parametrize("value", ["2025Q4", "2025-Q0", "Q4 2025", "'2025'"])
def test_bad_due_quarter_is_reported(value):
    problems = only(HEAD.replace("due: 2025-Q4", f"due: {value}"))
    assert len(problems) == 1
    assert problems[0].startswith(f"{FILE}:5: due: ")
    assert "is not a quarter (use YYYY-Qn)" in problems[0]
    # A near miss is told the quarter it stands for; others are not guessed at.
    ending = {"2025Q4": ": write 2025-Q4", "2025-Q0": ": a year has quarters Q1 to Q4 only"}
    assert problems[0].endswith(ending.get(value, "(use YYYY-Qn)"))


def test_a_date_written_for_a_quarter_is_quoted_as_written():
    # Bug (wording): Checker.quarter passes repr(value) to Quarter.parse, so a date
    # reads "'datetime.date(2025, 12, 31)' is not a quarter" to the person who wrote
    # "2025-12-31". Quote the text as written (str(value), or the node's source).
    [problem] = only(HEAD.replace("due: 2025-Q4", "due: 2025-12-31"))
    assert problem == f"{FILE}:5: due: '2025-12-31' is not a quarter (use YYYY-Qn)"


def test_due_before_start_is_reported():
    text = HEAD.replace("due: 2025-Q4", "start: 2024-Q2\ndue: 2024-Q1")
    assert only(text) == [
        f"{FILE}:6: due: 2024-Q1 is before the start quarter 2024-Q2: check both quarters"
    ]


def test_due_before_the_default_start_is_reported():
    # start defaults to Q4 of policy_address (2023-Q4)
    assert only(HEAD.replace("due: 2025-Q4", "due: 2023-Q3")) == [
        f"{FILE}:5: due: 2023-Q3 is before the start quarter 2023-Q4: check both quarters"
    ]


def test_due_equal_to_start_is_allowed():
    write(FILE, HEAD.replace("due: 2025-Q4", "due: 2023-Q4"))
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.start == target.due == Quarter(2023, 4)


def test_empty_start_does_not_silently_become_year_1():
    # Bug: build_target only applies the default start when check.get(("start",)) is
    # _MISSING; "start:" with no value reads as None, gets no default and no problem,
    # and the target loads with start = Quarter(1, 1), so its expected fraction is ~1.
    write(FILE, HEAD.replace("due: 2025-Q4", "start:\ndue: 2025-Q4"))
    try:
        [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    except RegisterError as exc:
        assert any(p.field == "start" and p.line == 5 for p in exc.problems)
    else:
        assert target.start == Quarter(2023, 4)


# --- indicator ---------------------------------------------------------------


def indicator(baseline, target, direction=None) -> str:
    text = f"indicator:\n  unit: days\n  baseline: {baseline}\n  target: {target}\n"
    return HEAD + text + (f"  direction: {direction}\n" if direction else "")


def test_increase_target_below_baseline_is_reported():
    # no direction: the default 'increase' is checked, and reported at "indicator:"
    assert only(indicator(30, 10)) == [
        f"{FILE}:6: indicator.direction: 'increase' needs a target above the baseline (30 -> 10): "
        "check the two numbers, or set direction: decrease"
    ]


def test_decrease_target_above_baseline_is_reported():
    assert only(indicator(10, 30, "decrease")) == [
        f"{FILE}:10: indicator.direction: 'decrease' needs a target below the baseline "
        "(10 -> 30): check the two numbers, or set direction: increase"
    ]


def test_explicit_increase_with_a_lower_target_is_reported():
    assert only(indicator(30, 10, "increase")) == [
        f"{FILE}:10: indicator.direction: 'increase' needs a target above the baseline "
        "(30 -> 10): check the two numbers, or set direction: decrease"
    ]


def test_unknown_direction_is_reported():
    assert only(indicator(30, 10, "down")) == [
        f"{FILE}:10: indicator.direction: 'down' must be 'increase' or 'decrease'"
    ]


def test_target_equal_to_baseline_is_reported():
    assert only(indicator(10, 10)) == [
        f"{FILE}:9: indicator.target: must differ from the baseline (10): "
        "a target equal to its baseline measures nothing"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'ten'", "not the text 'ten': write digits only, without units or thousands separators"),
        ("true", "but YAML reads the bare word true as a yes/no (true or false), not a number: "
         "write a number"),
        ("'12'", "but '12' is in quotes, which makes it text, not a number: remove the "
         "quotes (12)"),
        ("4,950", "not the text '4,950': write 4950 (no thousands separators)"),
    ],
)  # fmt: skip
def test_baseline_must_be_a_number(value, message):
    assert only(indicator(value, 10)) == [
        f"{FILE}:8: indicator.baseline: must be a number, {message}"
    ]


def test_empty_indicator_does_not_make_an_unassessable_target():
    # Bug: build_target decides "milestone" with check.get(("indicator",)) is _MISSING,
    # but _indicator treats "indicator:" (None) as absent. So entries are checked as
    # numeric ('value') while the Target has indicator=None (a milestone): it loads
    # with no problem and status.assess then raises TypeError (None / 100).
    text = HEAD + "indicator:\nprogress:\n  - quarter: 2024-Q1\n    value: 5\n"
    write(FILE, text)
    try:
        [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    except RegisterError as exc:
        assert any(p.field.startswith(("indicator", "progress")) for p in exc.problems)
    else:
        status.assess(target, Quarter(2024, 1))


# --- progress entries --------------------------------------------------------


def test_value_on_a_milestone_target_is_reported():
    text = HEAD + "progress:\n  - quarter: 2024-Q1\n    value: 3\n"
    assert only(text) == [
        f"{FILE}:7: progress[0].percent_complete: required field 'percent_complete' is missing: "
        "add a line 'percent_complete: ...'",
        f"{FILE}:8: progress[0].value: a milestone target (no indicator) reports "
        "'percent_complete', not 'value': rename the field",
    ]


def test_percent_complete_on_a_numeric_target_is_reported():
    text = indicator(10, 30) + "progress:\n  - quarter: 2024-Q1\n    percent_complete: 30\n"
    assert only(text) == [
        f"{FILE}:11: progress[0].value: required field 'value' is missing: add a line 'value: ...'",
        f"{FILE}:12: progress[0].percent_complete: a numeric target reports 'value', "
        "not 'percent_complete': rename the field",
    ]


@pytest.mark.parametrize("percent", ["101", "-1", "100.5", "1000"])
def test_percent_complete_outside_0_to_100_is_reported(percent):
    text = HEAD + f"progress:\n  - quarter: 2024-Q1\n    percent_complete: {percent}\n"
    assert only(text) == [
        f"{FILE}:8: progress[0].percent_complete: {percent} must be between 0 and 100: "
        "give the per cent complete, e.g. 60"
    ]


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("2024-Q2", "2024-Q2 must come after 2024-Q2: entries go oldest first, one per quarter"),
        ("2024-Q1", "2024-Q1 must come after 2024-Q2: entries go oldest first, one per quarter"),
    ],
)
def test_progress_quarters_must_strictly_increase(second, message):
    text = HEAD + textwrap.dedent(
        f"""\
        progress:
          - quarter: 2024-Q2
            percent_complete: 10
          - quarter: {second}
            percent_complete: 20
        """
    )
    assert only(text) == [f"{FILE}:9: progress[1].quarter: {message}"]


def test_progress_after_the_reporting_quarter_is_reported():
    text = HEAD + textwrap.dedent(
        """\
        progress:
          - quarter: 2024-Q1
            percent_complete: 10
          - quarter: 2024-Q2
            percent_complete: 20
          - quarter: 2024-Q3
            percent_complete: 30
        """
    )
    # One problem for the file, at its first later entry: an early REPORTING_QUARTER makes
    # every later entry wrong at once (48 lines for the sample), and the fix is one setting.
    assert only(text, reporting_quarter=Quarter(2024, 1)) == [
        f"{FILE}:9: progress[1].quarter: 2024-Q2 is after the reporting quarter 2024-Q1 "
        "(REPORTING_QUARTER), and so is 1 later entry up to 2024-Q3: no entry may report a "
        "quarter after it; set REPORTING_QUARTER in the settings to the latest quarter "
        "reported (at least 2024-Q3), or to None (the latest quarter of any entry), or "
        "correct the quarter",
    ]


def test_progress_entry_must_be_a_mapping():
    text = HEAD + "progress:\n  - 2024-Q1\n"
    [problem] = only(text)
    assert problem.startswith(f"{FILE}:7: progress[0]: must be a mapping of fields")


def test_progress_must_be_a_list():
    text = HEAD + "progress:\n  quarter: 2024-Q1\n  percent_complete: 10\n"
    assert only(text) == [
        f"{FILE}:6: progress: must be a list, not a mapping: "
        "put each item on its own line starting with '- '"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.gov.hk/report.pdf",
        "www.gov.hk/report.pdf",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://",
        "https://www.gov.hk/a report.pdf",
    ],
)
def test_sources_must_be_http_or_https(url):
    text = HEAD + textwrap.dedent(
        f"""\
        progress:
          - quarter: 2024-Q1
            percent_complete: 10
            sources:
              - https://www.gov.hk/report.pdf
              - "{url}"
        """
    )
    assert only(text) == [
        f"{FILE}:11: progress[0].sources[1]: {url!r} is not a web address: "
        "give the full address, starting with https://"
    ]


def test_malformed_source_url_is_a_problem_not_a_crash():
    # Bug: validation._is_web_url calls urlsplit, which raises ValueError
    # ("Invalid IPv6 URL") for "http://[..."; read_target/load_register then crash
    # instead of reporting the source. Catch ValueError in _is_web_url (return False).
    text = HEAD + textwrap.dedent(
        """\
        progress:
          - quarter: 2024-Q1
            percent_complete: 10
            sources:
              - "http://[2001:db8::1/report"
        """
    )
    write(FILE, text)
    with pytest.raises(RegisterError) as exc:
        load_register("targets", reporting_quarter=None, default_lang="en")
    assert [(p.line, p.field) for p in exc.value.problems] == [(10, "progress[0].sources[0]")]


# --- delay and withdrawn -----------------------------------------------------


def delay(submitted: str, revised_due: str = "2026-Q2") -> str:
    return HEAD + textwrap.dedent(
        f"""\
        delay:
          reason: The tender failed.
          revised_due: {revised_due}
          measures: Re-tendered in 2025-Q1.
          submitted: {submitted}
        """
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2026-13-01",
            "cannot read this value (month must be in 1..12): check it, or put it in quotes",
        ),
        (
            "2026-02-30",
            "cannot read this value (day is out of range for month): check it, or put it in quotes",
        ),
        ("'15/01/2026'", "'15/01/2026' is not a date (use YYYY-MM-DD)"),
        ("soon", "'soon' is not a date (use YYYY-MM-DD)"),
    ],
)
def test_bad_date_in_delay_submitted_is_reported(value, message):
    assert only(delay(value)) == [f"{FILE}:10: delay.submitted: {message}"]


def test_quoted_iso_date_in_delay_submitted_is_read():
    write(FILE, delay("'2026-01-15'"))
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.delay.submitted == datetime.date(2026, 1, 15)


@pytest.mark.parametrize("revised_due", ["2025-Q4", "2025-Q3", "2020-Q1"])
def test_revised_due_must_be_after_due(revised_due):
    assert only(delay("2026-01-15", revised_due)) == [
        f"{FILE}:8: delay.revised_due: {revised_due} must be after the due quarter 2025-Q4: "
        "it is the new quarter promised"
    ]


def test_bad_withdrawn_quarter_is_reported():
    text = HEAD + "withdrawn:\n  quarter: 2024-Q9\n  reason: Dropped.\n"
    assert only(text) == [
        f"{FILE}:7: withdrawn.quarter: '2024-Q9' is not a quarter (use YYYY-Qn): a year has "
        "quarters Q1 to Q4 only"
    ]


# --- unknown fields ----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("partner: Lands Department\n", "6: partner: unknown field; did you mean 'partners'?"),
        ("descripton: Text\n", "6: descripton: unknown field; did you mean 'description'?"),
        (
            "indicator:\n  unit: parks\n  baseline: 10\n  target: 30\n  directon: increase\n",
            "10: indicator.directon: unknown field; did you mean 'direction'?",
        ),
        (
            "progress:\n  - quarter: 2024-Q1\n    percent_complete: 10\n    notes: On time.\n",
            "9: progress[0].notes: unknown field; did you mean 'note'?",
        ),
        (
            "delay:\n  reason: R\n  revised_due: 2026-Q1\n  measures: M\n  revised-due: 2026-Q1\n",
            "10: delay.revised-due: unknown field; did you mean 'revised_due'?",
        ),
    ],
)
def test_unknown_field_suggests_the_closest_known_one(extra, expected):
    assert only(HEAD + extra) == [f"{FILE}:{expected}"]


def test_unknown_field_without_a_close_match_lists_the_known_fields():
    assert only(HEAD + "withdrawn:\n  quarter: 2024-Q3\n  reason: R\n  xyz: 1\n") == [
        f"{FILE}:9: withdrawn.xyz: unknown field: remove it, or use one of quarter, reason"
    ]


# --- titles and languages ----------------------------------------------------


def test_title_map_without_english_is_reported():
    text = HEAD.replace(
        "title: Open the new harbour ferry pier", "title:\n  zh-Hant: 啟用新渡輪碼頭"
    )
    assert only(text) == [
        f"{FILE}:2: title: the default language 'en' must be given: "
        "add a line 'en: ...' with that text"
    ]


@pytest.mark.parametrize("lang", ["English", "EN", "zh_Hant", "e"])
def test_bad_language_code_is_reported(lang):
    text = HEAD.replace(
        "title: Open the new harbour ferry pier", f"title:\n  en: Pier\n  {lang}: Pier\n"
    )
    assert only(text) == [
        f"{FILE}:4: title.{lang}: {lang!r} is not a language code (such as en, zh-Hant)"
    ]


def test_multi_line_title_is_reported():
    text = HEAD.replace(
        "title: Open the new harbour ferry pier",
        "title: |\n  Open the new harbour\n  ferry pier",
    )
    assert only(text) == [
        f"{FILE}:2: title: must be a single line of text: join the lines into one"
    ]


def test_multi_line_title_in_a_language_map_is_reported():
    text = HEAD.replace(
        "title: Open the new harbour ferry pier",
        'title:\n  en: Pier\n  zh-Hant: "啟用\\n碼頭"',
    )
    assert only(text) == [
        f"{FILE}:4: title.zh-Hant: must be a single line of text: join the lines into one"
    ]


def test_multi_line_description_is_allowed():
    write(FILE, HEAD + "description: |\n  First line.\n\n  Second paragraph.\n")
    [target] = load_register("targets", reporting_quarter=None, default_lang="en")
    assert target.description == {"en": "First line.\n\nSecond paragraph."}


# --- files that are not target files -----------------------------------------


def test_yml_file_is_reported():
    write(FILE, HEAD)
    write("targets/2024/PA2024-001.yml", HEAD.replace("PA2023-017", "PA2024-001"))
    assert report() == [
        "targets/2024/PA2024-001.yml: register files must end in .yaml, not .yml: rename it"
    ]


def test_empty_file_is_reported():
    assert only("") == [
        f"{FILE}:1: file is empty: "
        "a target needs at least id, title, policy_address, bureau and due"
    ]


@pytest.mark.parametrize("text", ["~\n", "null\n", "---\n", "2026-02-30\n"])
def test_null_document_is_a_problem_not_a_crash(text):
    # Bug: a file whose whole content reads as None ("~", "null", a bare "---", or a
    # lone unreadable scalar such as an impossible date) reaches build_target with
    # data None; check.mapping((), ..., required=True) calls Checker.present, which
    # does `path[-1]` on the empty path and raises IndexError out of load_register.
    write(FILE, text)
    problems = problems_of()
    assert problems
    assert all(p.path == FILE and p.line in (1, 2) for p in problems)


def test_invalid_yaml_syntax_is_reported_with_its_line():
    [problem] = problems_of_text(HEAD + 'bureau_note: "unterminated\n')
    assert problem.path == FILE
    assert problem.line in (6, 7)
    assert problem.message.startswith("not valid YAML: ")


def test_yaml_alias_is_reported():
    text = HEAD.replace("bureau: Transport and Logistics Bureau", "bureau: &b Transport") + (
        "partners:\n  - *b\n"
    )
    aliases = [p for p in problems_of_text(text) if p.message == ALIAS_MESSAGE]
    assert [(p.path, p.field) for p in aliases] == [(FILE, "partners[0]")]
    # Its line is the anchor's (4), not the alias's (7): see test_yamldoc.py,
    # test_alias_in_a_list_is_reported_at_the_line_of_the_alias.
    assert aliases[0].line is not None


def test_empty_list_item_is_not_called_a_missing_field():
    # Bug (wording): Checker.present words every None as "required field '<name>' is
    # missing"; for a list item the name is its index: "progress[0]: required field
    # '0' is missing". Say e.g. "this list item is empty" when path[-1] is an int.
    text = HEAD + "progress:\n  -\n  - quarter: 2024-Q1\n    percent_complete: 5\n"
    [problem] = problems_of_text(text)
    assert (problem.path, problem.field) == (FILE, "progress[0]")
    assert problem.line in (6, 7)  # 7 once present() uses the item's own line
    assert "field '0'" not in problem.message


def test_yaml_alias_as_a_field_value_is_reported():
    text = HEAD.replace("bureau: Transport and Logistics Bureau", "bureau: &b Transport") + (
        "area: *b\n"
    )
    assert [str(p) for p in problems_of_text(text)] == [f"{FILE}:6: area: {ALIAS_MESSAGE}"]


def test_billion_laughs_fails_fast_with_the_alias_message():
    lines = ['lol0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        lines.append(f"lol{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]")
    began = time.perf_counter()
    problems = problems_of_text(HEAD + "\n".join(lines) + "\n")  # 10**10 strings if expanded
    assert time.perf_counter() - began < 2.0
    aliases = [p for p in problems if p.message == ALIAS_MESSAGE]
    assert len(aliases) == 9 * 10
    assert all(p.path == FILE and p.line and p.field.startswith("lol") for p in aliases)
    assert {p.field for p in aliases} >= {"lol1[0]", "lol9[9]"}


def test_python_object_tag_is_reported():
    text = HEAD.replace(
        "bureau: Transport and Logistics Bureau", "bureau: !!python/object:os.system {}"
    )
    shown = [str(p) for p in problems_of_text(text)]
    assert (
        f"{FILE}:4: bureau: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed: "
        "remove the '!' tag and write plain text or numbers" in shown
    )
    # the refused value is not then read as a missing bureau as well
    assert len(shown) == 1


def test_duplicate_key_is_reported():
    text = HEAD + "due: 2026-Q1\n"
    assert [str(p) for p in problems_of_text(text)] == [
        f"{FILE}:6: due: duplicate key: this field is already given on line 5; keep one"
    ]


def test_non_utf8_bytes_are_reported():
    write(FILE, HEAD.replace("Open the new harbour ferry pier", "啟用新渡輪碼頭").encode("big5"))
    [problem] = problems_of()
    assert problem.path == FILE
    assert problem.message.startswith("file is not UTF-8 text")


def test_non_utf8_problem_names_the_line_of_the_bad_bytes():
    # Bug (usability): load_document reports a decoding error with line None; the
    # offending byte's position is known (exc.start), so the line can be given:
    # text[: exc.start].count(b"\n") + 1. A Big5 title is the likely real case.
    write(FILE, HEAD.replace("Open the new harbour ferry pier", "啟用新渡輪碼頭").encode("big5"))
    [problem] = problems_of()
    assert problem.line == 2


def test_list_at_top_level_is_reported():
    text = "- id: PA2023-017\n  title: Pier\n"
    [problem] = problems_of_text(text)
    assert (problem.path, problem.line, problem.field) == (FILE, 1, "")
    assert problem.message.startswith("must be a mapping of fields (id, title, policy_address")


def test_text_at_top_level_is_reported():
    [problem] = problems_of_text("just some words\n")
    assert (problem.path, problem.line) == (FILE, 1)
    assert problem.message.startswith("must be a mapping of fields")


# --- everything in one run ---------------------------------------------------


def test_all_problems_in_one_file_are_reported_in_one_run():
    text = textwrap.dedent(
        """\
        id: PA2023-017
        title:
          zh-Hant: 啟用新渡輪碼頭
        policy_address: 2023
        due: 2025-Q9
        indicator:
          unit: parks
          baseline: 10
          target: 10
        progress:
          - quarter: 2024-Q2
            value: 12
          - quarter: 2024-Q1
            value: 13
            sources: [ftp://x.org/a]
        colour: blue
        """
    )
    assert [str(p) for p in problems_of_text(text)] == [
        f"{FILE}:1: bureau: required field 'bureau' is missing: add a line 'bureau: ...'",
        f"{FILE}:2: title: the default language 'en' must be given: "
        "add a line 'en: ...' with that text",
        f"{FILE}:5: due: '2025-Q9' is not a quarter (use YYYY-Qn): a year has quarters Q1 to "
        "Q4 only",
        f"{FILE}:9: indicator.target: must differ from the baseline (10): "
        "a target equal to its baseline measures nothing",
        f"{FILE}:13: progress[1].quarter: 2024-Q1 must come after 2024-Q2: "
        "entries go oldest first, one per quarter",
        f"{FILE}:15: progress[1].sources[0]: 'ftp://x.org/a' is not a web address: "
        "give the full address, starting with https://",
        f"{FILE}:16: colour: unknown field: remove it, or use one of id, title, policy_address, "
        "bureau, partners, area, description, start, due, indicator, budget, progress, delay, "
        "withdrawn, "
        "amendments, replaces",
    ]


def test_all_problems_across_files_are_reported_in_one_run():
    write("targets/2023/A-1.yaml", HEAD.replace("PA2023-017", "A-1").replace("2025-Q4", "x"))
    write("targets/2023/A-2.yaml", HEAD.replace("PA2023-017", "A-3"))
    write("targets/2024/B-1.yaml", "")
    write("targets/2024/B-2.yml", HEAD)
    write("targets/housing/C-1.yaml", "id: C-1\nid: C-1\n")
    write("targets/housing/OK-1.yaml", HEAD.replace("PA2023-017", "OK-1"))
    with pytest.raises(RegisterError) as exc:
        load_register("targets", reporting_quarter=None, default_lang="en")
    problems = exc.value.problems
    by_file: dict[str, int] = {}
    for p in problems:
        by_file[p.path] = by_file.get(p.path, 0) + 1
    assert by_file == {
        "targets/2023/A-1.yaml": 1,  # due
        "targets/2023/A-2.yaml": 1,  # id != file name
        "targets/2024/B-1.yaml": 1,  # empty
        "targets/2024/B-2.yml": 1,  # .yml
        "targets/housing/C-1.yaml": 5,  # duplicate key + title, policy_address, bureau, due
    }
    assert str(exc.value).startswith("the register has 9 problems:\n")
    assert len(str(exc.value).splitlines()) == 1 + 9


# --- read_target -------------------------------------------------------------


def test_read_target_returns_no_target_when_there_is_a_problem():
    path = write(FILE, HEAD.replace("due: 2025-Q4", "due: 2025-Q5"))
    target, problems = read_target(path, "en", None)
    assert target is None
    assert [p.field for p in problems] == ["due"]


def test_read_target_returns_the_target_and_no_problems_when_valid():
    path = write(FILE, HEAD)
    target, problems = read_target(path, "en", None)
    assert problems == []
    assert target.id == "PA2023-017"


def test_unreadable_path_is_a_problem():
    path = Path("targets/2023/PA2023-017.yaml")
    path.mkdir(parents=True)  # a folder where a file is expected
    target, problems = read_target(path, "en", None)
    assert target is None
    assert [(p.path, p.message.startswith("cannot read file")) for p in problems] == [(FILE, True)]


def test_policy_address_written_as_a_yes_no_word_says_how_to_write_it():
    # Quotes would make it text, which is no year either: a number is what is wanted.
    assert only(HEAD.replace("policy_address: 2023", "policy_address: yes")) == [
        f"{FILE}:3: policy_address: the bare word yes is read by YAML as true (a yes/no), "
        "not a number: write a number"
    ]
