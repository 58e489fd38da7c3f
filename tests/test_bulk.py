"""Bulk import of one quarter's updates from a bureau's CSV export."""

from __future__ import annotations

import hashlib

from generator.register.loader import load_register
from tests.conftest import added_lines, run

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


def test_dry_run_shows_the_changes_and_writes_nothing(project):
    (project / "updates.csv").write_text(GOOD)
    before = fingerprint(project / "targets")
    result = run(project, "import-progress", "--csv", "updates.csv", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Dry run: 2 update(s) would be made:" in result.stdout
    assert "PA2023-004: add 2026-Q4: 91" in result.stdout
    assert "PA2022-008: add 2026-Q4: 100" in result.stdout
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


def test_bad_rows_are_listed_by_row_and_nothing_is_written(project):
    (project / "updates.csv").write_text(
        HEADER
        + "PA2023-004,2026-Q4,91,,,,\n"  # row 2: good
        + "PA2023-004,2026-Q4,92,,,,\n"  # row 3: same quarter twice
        + "PA1999-001,2026-Q4,1,,,,\n"  # row 4: unknown target
        + "PA2022-001,2026-Q5,1,,,,\n"  # row 5: bad quarter
        + 'PA2022-001,2026-Q4,"1,200",,,,\n'  # row 6: not a plain number
        + "PA2022-008,2026-Q4,5,,,,\n"  # row 7: value on a milestone
        + "PA2022-001,2026-Q4,5,,,ftp://files,\n"  # row 8: bad source
    )
    before = fingerprint(project / "targets")
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert result.returncode == 1
    err = result.stderr
    assert "6 row(s) need fixing; nothing was written" in err
    assert "updates.csv row 3: " in err and "2026-Q4 is already reported" in err
    assert "updates.csv row 4: no target 'PA1999-001'" in err
    assert "updates.csv row 5: quarter: '2026-Q5' is not a quarter (use YYYY-Qn)" in err
    assert "updates.csv row 6: value: '1,200' is not a number; write digits only" in err
    assert "updates.csv row 7: " in err and "percent complete (--percent)" in err
    assert "updates.csv row 8: " in err and "'ftp://files' is not a web address" in err
    assert "row 2" not in err
    assert "Traceback" not in err
    assert fingerprint(project / "targets") == before


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
