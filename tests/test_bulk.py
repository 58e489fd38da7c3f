"""Bulk import of one quarter's updates from a bureau's CSV export."""

from __future__ import annotations

import hashlib
import re
import subprocess

from generator.register.loader import load_register
from tests.conftest import ROOT, added_lines, run

HEADER = "id,quarter,value,percent_complete,note,sources,verified_by\n"
GOOD = (
    HEADER
    + "PA2023-004,2026-Q4,91,,Winter plan in place.,https://www.example.gov/a https://www.example.gov/b,Audit Office\n"  # noqa: E501
    + "PA2022-008,2026-Q4,,100,Launched.,,\n"
)


def fingerprint(folder) -> dict[str, str]:
    """Hash of every register file, to prove nothing was written."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.yaml"))
    }


def test_dry_run_shows_per_target_what_each_row_would_add_and_writes_nothing(project):
    (project / "updates.csv").write_text(GOOD)
    before = fingerprint(project / "targets")
    result = run(project, "import-progress", "--csv", "updates.csv", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Dry run of updates.csv: nothing was written.",
        "PA2023-004 (targets/health-bureau/PA2023-004.yaml):",
        "  row 2 would add 2026-Q4: value 91, a note, 2 sources, verified by Audit Office",
        "PA2022-008 (targets/digital-policy-office/PA2022-008.yaml):",
        "  row 3 would add 2026-Q4: percent_complete 100, a note",
        "2 update(s) would be made; run again without --dry-run to make them.",
    ]
    assert fingerprint(project / "targets") == before


def test_import_adds_each_entry_and_keeps_the_rest(project):
    (project / "updates.csv").write_text(GOOD)
    path = project / "targets" / "health-bureau" / "PA2023-004.yaml"
    before = path.read_text()
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert result.returncode == 0, result.stderr
    assert "Made 2 update(s)" in result.stdout
    assert added_lines(before, path.read_text()) == [
        "  - quarter: 2026-Q4",
        "    value: 91",
        "    note: Winter plan in place.",
        "    sources:",
        "      - https://www.example.gov/a",
        "      - https://www.example.gov/b",
        "    verified_by: Audit Office",
    ]
    targets = {
        t.id: t
        for t in load_register(project / "targets", reporting_quarter=None, default_lang="en")
    }
    assert targets["PA2022-008"].progress[-1].percent_complete == 100


MILESTONE = (
    "PA2022-008 is a milestone target: put the figure in the percent_complete column "
    "(how far it is complete, 0 to 100) and leave value empty"
)
NOT_A_NUMBER = (
    "is not a number; write digits only, such as 1250 or 12.5 (no units, thousands "
    "separators or % sign)"
)
NO_TARGET = "no target 'PA1999-001' in targets: check the id (it is the file name, without .yaml)"


def error_lines(result) -> list[str]:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def test_every_problem_of_every_row_is_listed_by_row_and_column(project):
    (project / "updates.csv").write_text(
        HEADER
        + "PA2023-004,2026-Q4,91,,,,\n"  # row 2: good
        + "PA1999-001,2026-Q4,1,,,,\n"  # row 3: unknown target
        + "PA2022-001,2026-Q5,1,,,ftp://files,\n"  # row 4: bad quarter AND bad source
        + 'PA2022-001,2026-Q4,"1,200",,,,\n'  # row 5: not a plain number
        + "PA2022-008,2026-Q4,5,,,,\n"  # row 6: value on a milestone
        + ",2026-Q1,x,5,,,\n"  # row 7: three problems
    )
    before = fingerprint(project / "targets")
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert error_lines(result) == [
        "Error: updates.csv has 8 problems in 5 rows; nothing was written: fix them and run again.",
        f"updates.csv row 3, column id: {NO_TARGET}",
        "updates.csv row 4, column quarter: '2026-Q5' is not a quarter (use YYYY-Qn): a year has "
        "quarters Q1 to Q4 only",
        "updates.csv row 4, column sources: 'ftp://files' is not a web address: give the full "
        "address, starting with https://",
        f"updates.csv row 5, column value: '1,200' {NOT_A_NUMBER}",
        f"updates.csv row 6, column value: {MILESTONE}",
        "updates.csv row 7, column id: empty: write the id of the target the row updates, "
        "e.g. PA2023-004",
        f"updates.csv row 7, column value: 'x' {NOT_A_NUMBER}",
        "updates.csv row 7, column percent_complete: fill in value or percent_complete, not both",
    ]
    assert "--percent" not in result.stderr and "--value" not in result.stderr
    assert fingerprint(project / "targets") == before


def test_the_figure_in_the_wrong_column_or_missing_is_named_by_column(project):
    (project / "updates.csv").write_text(
        HEADER
        + "PA2023-004,2026-Q4,,88,,,\n"  # numeric target, figure in percent_complete
        + "PA2022-008,2026-Q4,,,,,\n"  # milestone target, no figure
    )
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert error_lines(result)[1:] == [
        "updates.csv row 2, column percent_complete: PA2023-004 is a numeric target: put its "
        "figure in the value column and leave percent_complete empty",
        "updates.csv row 2, column value: empty: PA2023-004 is a numeric target: put its "
        "figure for 2026-Q4 here",
        "updates.csv row 3, column percent_complete: empty: PA2022-008 is a milestone target: "
        "put how far it is complete for 2026-Q4, 0 to 100, here",
    ]


def test_a_quarter_twice_in_the_csv_names_both_rows(project):
    (project / "updates.csv").write_text(
        HEADER
        + "PA2022-001,2026-Q4,1,,,,\n"  # row 2
        + "PA2022-001,2026-Q4,2,,,,\n"  # row 3: the same as row 2
        + "PA2023-004,2026-Q4,91,,,,\n"  # row 4
        + ",,,,,,\n" * 4  # rows 5 to 8: empty in the spreadsheet
        + "PA2023-004,2026-Q4,92,,,,\n"  # row 9: the same as row 4
    )
    lines = error_lines(run(project, "import-progress", "--csv", "updates.csv"))
    assert lines == [
        "Error: updates.csv has 2 problems in 2 rows; nothing was written: fix them and run again.",
        "updates.csv row 3, column quarter: 2026-Q4 for PA2022-001 appears twice in the CSV "
        "(rows 2 and 3): keep the row that is right and delete the other",
        "updates.csv row 9, column quarter: 2026-Q4 for PA2023-004 appears twice in the CSV "
        "(rows 4 and 9): keep the row that is right and delete the other",
    ]


def test_a_quarter_already_in_the_file_or_before_its_last_says_so(project):
    (project / "updates.csv").write_text(
        HEADER + "PA2023-004,2026-Q3,91,,,,\n" + "PA2023-004,2026-Q1,91,,,,\n"
    )
    lines = error_lines(run(project, "import-progress", "--csv", "updates.csv"))
    assert lines[1:] == [
        "updates.csv row 2, column quarter: PA2023-004 already reports 2026-Q3 in "
        "targets/health-bureau/PA2023-004.yaml: delete this row; to correct that entry, edit "
        "it in the file",
        "updates.csv row 3, column quarter: 2026-Q1 for PA2023-004 comes after 2026-Q3 (row 2) "
        "in the CSV: put each target's rows oldest quarter first",
        "updates.csv row 3, column quarter: 2026-Q1 is before PA2023-004's last reported "
        "quarter, 2026-Q3: the import only adds later quarters; add a missed one by hand in "
        "targets/health-bureau/PA2023-004.yaml",
    ]


def test_rows_are_numbered_as_the_spreadsheet_shows_them_counting_blank_rows(project):
    (project / "updates.csv").write_text(
        HEADER + "PA2023-004,2026-Q4,91,,,,\n\n,,,,,,\n" + "PA2023-004,2026-Q5,1,,,,\n"
    )
    lines = error_lines(run(project, "import-progress", "--csv", "updates.csv"))
    assert lines[1:] == [
        "updates.csv row 5, column quarter: '2026-Q5' is not a quarter (use YYYY-Qn): a year has "
        "quarters Q1 to Q4 only"
    ]


def test_a_csv_with_only_the_header_has_no_rows_to_import(project):
    (project / "updates.csv").write_text(HEADER)
    result = run(project, "import-progress", "--csv", "updates.csv", "--dry-run")
    assert error_lines(result) == [
        "Error: updates.csv has no rows to import: add one row per target below the header"
    ]


def test_dry_run_with_problems_lists_them_under_their_target_and_writes_nothing(project):
    (project / "updates.csv").write_text(
        HEADER
        + "PA2023-004,2026-Q4,91,,,,\n"
        + "PA2022-008,2026-Q4,5,,,,\n"
        + "PA1999-001,2026-Q4,1,,,,\n"
        + "PA2023-004,2026-Q4,92,,,,\n"
    )
    before = fingerprint(project / "targets")
    result = run(project, "import-progress", "--csv", "updates.csv", "--dry-run")
    assert error_lines(result) == [
        "Error: updates.csv has 3 problems in 3 rows; nothing was written: fix them and run "
        "the dry run again.",
        "Dry run of updates.csv: nothing was written.",
        "PA2023-004 (targets/health-bureau/PA2023-004.yaml):",
        "  row 2 would add 2026-Q4: value 91",
        "  updates.csv row 5, column quarter: 2026-Q4 for PA2023-004 appears twice in the CSV "
        "(rows 2 and 5): keep the row that is right and delete the other",
        "PA2022-008 (targets/digital-policy-office/PA2022-008.yaml):",
        f"  updates.csv row 3, column value: {MILESTONE}",
        "Rows for no known target:",
        f"  updates.csv row 4, column id: {NO_TARGET}",
    ]
    assert fingerprint(project / "targets") == before


def test_the_csv_staff_are_told_not_to_commit_is_git_ignored():
    guide = (ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    section = guide.split("## A whole quarter from a spreadsheet")[1].split("\n## ")[0]
    section = " ".join(section.split())  # as it reads, whatever the line breaks
    assert "Do not commit the CSV file" in section
    named = sorted(set(re.findall(r"`([\w.-]+\.csv)`", section)))
    assert named == ["updates.csv"]
    for where in ("updates.csv", "targets/updates.csv"):  # beside the settings, or anywhere
        ignored = subprocess.run(["git", "check-ignore", "-q", where], cwd=ROOT)
        assert ignored.returncode == 0, f"{where} is not git-ignored"


def test_header_problems_name_the_expected_columns(project):
    (project / "updates.csv").write_text("target,qtr,value\nPA2023-004,2026-Q4,1\n")
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert result.returncode == 1
    assert "updates.csv row 1: missing column(s) id, quarter; unknown column(s) target, qtr" in (
        result.stderr
    )


def test_spreadsheet_export_with_byte_order_mark_and_blank_rows(project):
    (project / "updates.csv").write_text("\ufeff" + GOOD + ",,,,,,\n", encoding="utf-8")
    result = run(project, "import-progress", "--csv", "updates.csv", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "2 update(s)" in result.stdout


def test_missing_csv_file(project):
    result = run(project, "import-progress", "--csv", "nope.csv")
    assert result.returncode == 1
    assert "nope.csv: cannot read the file" in result.stderr


def test_an_empty_csv_says_what_its_first_row_holds(project):
    (project / "updates.csv").write_text("")
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert error_lines(result) == [
        "Error: updates.csv is empty: its first row names the columns (id,quarter,value,"
        "percent_complete,note,sources,verified_by,spent), then one row per target"
    ]


def test_a_row_shorter_than_the_header_has_its_last_cells_empty(project):
    (project / "updates.csv").write_text(HEADER + "PA2023-004,2026-Q4,91\n")
    result = run(project, "import-progress", "--csv", "updates.csv", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "  row 2 would add 2026-Q4: value 91" in result.stdout.splitlines()


def test_the_guides_example_of_problems_is_what_the_import_prints(project):
    guide = (ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    shown = re.search(r"```\n(Error: updates\.csv has .*?)```", guide, re.S)
    assert shown, "the staff guide's CSV section no longer shows the problems"
    (project / "updates.csv").write_text(  # the rows the guide describes
        "id,quarter,value,percent_complete,note,sources,verified_by,spent\n"
        "PA2024-010,2026-Q3,68,,Two more low-emission zones started.,"
        "https://www.example.gov/env/air/2026-q3,,\n"
        "PA2023-007,2026-Q3,30,,Consultation closed.,,,\n"  # a milestone's figure in value
        "PA2024-015,2026-Q5,,15,,www.example.gov/a,Audit Office,12.5\n"
        "PA9999-001,2026-Q3,4,,,,,\n"
        "PA2024-010,2026-Q3,70,,,,,\n"  # row 2's target and quarter again
    )
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert error_lines(result) == shown[1].splitlines()


def test_an_empty_first_row_is_named_as_row_1(project):
    (project / "updates.csv").write_text(",,,\n" + "PA2023-004,2026-Q4,91\n")
    assert error_lines(run(project, "import-progress", "--csv", "updates.csv")) == [
        "Error: updates.csv row 1: empty: the first row names the columns (id,quarter,value,"
        "percent_complete,note,sources,verified_by,spent)"
    ]


def test_a_row_the_csv_reader_refuses_is_named_by_row(project):
    huge = "1" * 200_000  # over the csv module's limit for one cell
    (project / "updates.csv").write_text(HEADER + "PA2023-004,2026-Q4,91,,,,\n" + f'x,"{huge}"\n')
    assert error_lines(run(project, "import-progress", "--csv", "updates.csv")) == [
        "Error: updates.csv row 3: cannot be read as CSV (field larger than field limit "
        "(131072)): save the sheet again as CSV UTF-8 (comma delimited)"
    ]


def test_one_problem_is_told_as_one(project):
    (project / "updates.csv").write_text(HEADER + "PA2023-004,2026-Q3,91,,,,\n")
    lines = error_lines(run(project, "import-progress", "--csv", "updates.csv"))
    assert lines[0] == (
        "Error: updates.csv has 1 problem in 1 row; nothing was written: fix it and run again."
    )


def test_a_row_for_a_quarter_already_reported_still_has_its_other_columns_checked(project):
    (project / "updates.csv").write_text(
        HEADER + 'PA2023-004,2026-Q3,"1,250",,,www.example.gov/health,\n'
    )
    lines = error_lines(run(project, "import-progress", "--csv", "updates.csv", "--dry-run"))
    text = "\n".join(lines)
    assert "has 3 problems in 1 row" in lines[0]
    assert "column quarter: PA2023-004 already reports 2026-Q3" in text
    assert "column value: " in text and "column sources: " in text
