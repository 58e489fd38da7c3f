"""Staff commands run on a copy of the sample register: the files they leave behind."""

from __future__ import annotations

import pytest

from generator.register.loader import load_register, read_target
from tests.conftest import added_lines, run


def test_report_appends_one_entry_and_keeps_everything_else(project):
    path = project / "targets" / "health-bureau" / "PA2023-004.yaml"
    before = path.read_text()
    result = run(
        project, "report", "--id", "PA2023-004", "--quarter", "2026-Q4", "--value", "91",
        "--note", "Winter plan in place.", "--source", "https://www.example.gov/ae/2026-q4",
        "--source", "https://data.example.gov/ae.csv", "--verified-by", "Audit Office",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "PA2023-004: add 2026-Q4: 91" in result.stdout
    assert added_lines(before, path.read_text()) == [
        "  - quarter: 2026-Q4",
        "    value: 91",
        "    note: Winter plan in place.",
        "    sources:",
        "      - https://www.example.gov/ae/2026-q4",
        "      - https://data.example.gov/ae.csv",
        "    verified_by: Audit Office",
    ]
    target, problems = read_target(path, "en", None)
    assert problems == [] and str(target.progress[-1].quarter) == "2026-Q4"


def test_report_keeps_comments(project):
    path = project / "targets" / "health-bureau" / "PA2023-004.yaml"
    text = path.read_text().replace("progress:\n", "progress:  # figures from HA\n", 1)
    text = text.replace("direction: decrease", "direction: decrease  # lower is better")
    path.write_text(text)
    assert run(project, "report", "--id", "PA2023-004", "--quarter", "2026-Q4", "--value", "90.5")
    after = path.read_text()
    assert after.startswith(text)
    assert added_lines(text, after) == ["  - quarter: 2026-Q4", "    value: 90.5"]


def test_report_milestone_takes_percent(project):
    path = project / "targets" / "digital-policy-office" / "PA2022-008.yaml"
    before = path.read_text()
    result = run(
        project, "report", "--id", "PA2022-008", "--quarter", "2026-Q4", "--percent", "100"
    )
    assert result.returncode == 0, result.stderr
    assert added_lines(before, path.read_text()) == [
        "  - quarter: 2026-Q4",
        "    percent_complete: 100",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026-Q3", "--value", "90"], "2026-Q3 is already reported"),
        (["--quarter", "2025-Q1", "--value", "90"], "is before the last entry (2026-Q3)"),
        (["--quarter", "2026-Q4", "--percent", "90"], "a numeric target reports a value"),
        (["--quarter", "2026-Q5", "--value", "90"], "'2026-Q5' is not a quarter (use YYYY-Qn)"),
        (["--quarter", "2026-Q4", "--value", "90", "--source", "ftp://x"], "is not a web addr"),
    ],
)
def test_report_refusals_leave_the_file_alone(project, args, message):
    path = project / "targets" / "health-bureau" / "PA2023-004.yaml"
    before = path.read_bytes()
    result = run(project, "report", "--id", "PA2023-004", *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_report_unknown_target(project):
    result = run(project, "report", "--id", "PA1999-001", "--quarter", "2026-Q4", "--value", "1")
    assert result.returncode == 1
    assert "no target 'PA1999-001'" in result.stderr


def test_justify_adds_the_delay_block(project):
    path = project / "targets" / "labour-and-welfare-bureau" / "PA2022-007.yaml"
    before = path.read_text()
    result = run(
        project, "justify", "--id", "PA2022-007", "--reason", "Sites were handed over late.",
        "--revised-due", "2027-Q2", "--measures", "- Two more operators\n- Monthly reviews",
        "--submitted", "2026-10-01", "--responsible", "Secretary for Labour and Welfare",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert added_lines(before, path.read_text()) == [
        "delay:",
        "  reason: Sites were handed over late.",
        "  revised_due: 2027-Q2",
        "  measures: |",
        "    - Two more operators",
        "    - Monthly reviews",
        "  submitted: 2026-10-01",
        "  responsible: Secretary for Labour and Welfare",
    ]
    target = next(
        t
        for t in load_register(project / "targets", reporting_quarter=None, default_lang="en")
        if t.id == "PA2022-007"
    )
    assert str(target.delay.revised_due) == "2027-Q2"


def test_justify_refuses_a_target_that_is_not_missed(project):
    result = run(
        project, "justify", "--id", "PA2023-004", "--reason", "x", "--revised-due", "2027-Q1",
        "--measures", "y",
    )  # fmt: skip
    assert result.returncode == 1
    assert "PA2023-004 is achieved as of 2026-Q3, not missed" in result.stderr


def test_justify_refuses_a_second_justification(project):
    result = run(
        project, "justify", "--id", "PA2022-008", "--reason", "x", "--revised-due", "2027-Q1",
        "--measures", "y",
    )  # fmt: skip
    assert result.returncode == 1
    assert "already filed" in result.stderr


def test_justify_refuses_revised_due_not_after_due(project):
    path = project / "targets" / "labour-and-welfare-bureau" / "PA2022-007.yaml"
    before = path.read_bytes()
    result = run(
        project, "justify", "--id", "PA2022-007", "--reason", "x", "--revised-due", "2025-Q1",
        "--measures", "y",
    )  # fmt: skip
    assert result.returncode == 1
    assert "delay.revised_due: 2025-Q1 must be after the due quarter 2025-Q4" in result.stderr
    assert path.read_bytes() == before


def test_new_target_writes_a_valid_skeleton_in_the_bureau_folder(project):
    result = run(
        project, "new-target", "--id", "PA2025-001", "--title", "Plant 1,000 street trees",
        "--bureau", "Environment Bureau", "--policy-address", "2025", "--due", "2027-Q4",
        "--area", "Environment and climate", "--unit", "trees", "--baseline", "0",
        "--target", "1000",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = project / "targets" / "environment-bureau" / "PA2025-001.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../docs/target.schema.json\n")
    assert "  target: 1000\n" in text
    target, problems = read_target(path, "en", None)
    assert problems == []
    assert target.indicator.target == 1000 and str(target.start) == "2025-Q4"
    # The skeleton takes a first report in the house layout.
    assert run(project, "report", "--id", "PA2025-001", "--quarter", "2026-Q1", "--value", "40")
    assert path.read_text().endswith("progress:\n  - quarter: 2026-Q1\n    value: 40\n")
    assert read_target(path, "en", None)[1] == []


def test_new_milestone_target(project):
    result = run(
        project, "new-target", "--id", "PA2025-002", "--title", "Publish a cycling strategy",
        "--bureau", "Transport Bureau", "--policy-address", "2025", "--due", "2026-Q4",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    target, problems = read_target(
        project / "targets" / "transport-bureau" / "PA2025-002.yaml", "en", None
    )
    assert problems == [] and target.is_milestone


def test_new_target_refuses_an_existing_id_and_a_bad_id(project):
    existing = run(
        project, "new-target", "--id", "PA2023-004", "--title", "x", "--bureau", "Health Bureau",
        "--policy-address", "2023", "--due", "2026-Q4",
    )  # fmt: skip
    assert existing.returncode == 1 and "already exists" in existing.stderr
    bad = run(
        project, "new-target", "--id", "PA 2025/1", "--title", "x", "--bureau", "Health Bureau",
        "--policy-address", "2025", "--due", "2026-Q4",
    )  # fmt: skip
    assert bad.returncode == 1 and "id: 'PA 2025/1' must be letters" in bad.stderr
    assert not list((project / "targets").rglob("PA 2025*"))


def test_report_keeps_the_layout_of_a_file_whose_last_bare_key_is_indented(project):
    # ruamel's indent guess reads the last key-only line: here "  unit:" of the indicator,
    # indented under its parent. The lists of this file are indented two spaces under their
    # key ("partners:", "progress:"), and the report must keep every other line as it was.
    path = project / "targets" / "transport-bureau" / "PA2023-002.yaml"
    text = path.read_text().replace("progress:\n", "progress:  # from the works department\n", 1)
    block = "  unit:\n    en: million\n    zh-Hant: 百萬\n"
    text = text.replace("  unit: {en: million, zh-Hant: 百萬}\n", block, 1)
    assert block + "progress:  #" in text
    path.write_text(text)
    result = run(project, "report", "--id", "PA2023-002", "--quarter", "2026-Q4", "--value", "40")
    assert result.returncode == 0, result.stderr
    after = path.read_text()
    assert after.startswith(text)
    assert added_lines(text, after) == ["  - quarter: 2026-Q4", "    value: 40"]


def test_report_on_a_file_cut_in_the_middle_of_a_character_says_so(project):
    path = project / "targets" / "transport-bureau" / "PA2023-002.yaml"
    data = path.read_bytes()
    cut = data[: data.index("公里".encode()) + 1]  # one byte of a three-byte character
    path.write_bytes(cut)
    result = run(project, "report", "--id", "PA2023-002", "--quarter", "2026-Q4", "--value", "40")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "PA2023-002.yaml: the file ends in the middle of a character (byte" in result.stderr
    assert path.read_bytes() == cut  # nothing written


def test_report_says_when_its_entry_moves_the_whole_site_to_a_new_quarter(project):
    # REPORTING_QUARTER is None in the sample: the first 2026-Q4 entry makes 2026-Q4 the
    # quarter every page is as of, which staff saw only in 'invoke changes'.
    first = run(project, "report", "--id", "PA2023-004", "--quarter", "2026-Q4", "--value", "91")
    assert first.returncode == 0, first.stderr
    assert "Note: this is the register's first entry for 2026-Q4" in first.stdout
    assert "the whole site is now as of 2026-Q4" in first.stdout
    second = run(
        project, "report", "--id", "PA2022-008", "--quarter", "2026-Q4", "--percent", "100"
    )
    assert second.returncode == 0, second.stderr
    assert "PA2022-008: add 2026-Q4: 100% complete." in second.stdout
    assert "Note:" not in second.stdout
