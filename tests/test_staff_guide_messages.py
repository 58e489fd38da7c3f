"""The staff guide's "When something goes wrong": every message it quotes is what staff see.

The test reads the section; for each message quoted there (a `### ` heading, then the
message in a fenced block) it runs the case in CASES that makes that mistake, on a copy
of the sample, with the command staff would run, and asserts that the output holds the
quoted lines exactly. A message reworded in the code, or in the guide, fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, run

GUIDE = ROOT / "docs" / "staff-guide.md"
SECTION = "## When something goes wrong"


def edit(project: Path, relative: str, old: str, new: str) -> None:
    """Make one mistake in a sample file: ``old`` (there once) becomes ``new``."""
    path = project / "targets" / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{relative}: the case's text {old!r} is not there once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def validate_after(relative: str, old: str, new: str) -> Callable[[Path], str]:
    """The case: this edit, then `invoke validate` (the same as `python -m generator`)."""

    def case(project: Path) -> str:
        edit(project, relative, old, new)
        result = run(project, "validate")
        assert result.returncode == 1, result.stdout + result.stderr
        return result.stdout + result.stderr

    return case


def command(*args: str) -> Callable[[Path], str]:
    """The case: a staff command that is refused."""

    def case(project: Path) -> str:
        result = run(project, *args)
        assert result.returncode == 1, result.stdout + result.stderr
        return result.stdout + result.stderr

    return case


HEALTH = "health-bureau/PA2023-004.yaml"
DEVELOPMENT = "development-bureau/PA2022-006.yaml"

# Each heading of the section, and the case that produces the message quoted under it.
CASES: dict[str, Callable[[Path], str]] = {
    "A field name is misspelt": validate_after(
        HEALTH, "bureau: Health Bureau", "bureua: Health Bureau"
    ),
    "A required line is missing": validate_after(
        DEVELOPMENT,
        "  measures: |\n    - Seek early hearings for the outstanding judicial reviews.\n"
        "    - Bring forward replacement sites in the northern development area.\n",
        "",
    ),
    "A quarter is mistyped": validate_after(
        HEALTH, "  - quarter: 2024-Q2\n", "  - quarter: 2024 Q2\n"
    ),
    "A quarter is reported twice": validate_after(
        HEALTH, "  - quarter: 2024-Q4\n", "  - quarter: 2024-Q2\n"
    ),
    "A bureau is not written as declared": validate_after(
        HEALTH, "bureau: Health Bureau", "bureau: Health  Bureau"
    ),
    "A number is written as an exponent": validate_after(
        HEALTH, "  baseline: 120\n", "  baseline: 1.2e2\n"
    ),
    "Spending goes down": validate_after(HEALTH, "    spent: 85\n", "    spent: 35\n"),
    "A source is not a full web address": validate_after(
        HEALTH,
        "      - https://data.example.gov/health/ae-waiting/2024-q2",
        "      - data.example.gov/health/ae-waiting/2024-q2",
    ),
    "The target id is not in the register": command(
        "report", "--id", "PA2024-099", "--quarter", "2026-Q3", "--value", "10"
    ),
    "A justification for a target that is not missed": command(
        "justify",
        "--id",
        "PA2024-001",
        "--reason",
        "Late.",
        "--revised-due",
        "2028-Q4",
        "--measures",
        "More staff.",
    ),  # fmt: skip
    "The revised due quarter is not after the due quarter": command(
        "justify",
        "--id",
        "PA2022-007",
        "--reason",
        "Late.",
        "--revised-due",
        "2025-Q2",
        "--measures",
        "More staff.",
    ),  # fmt: skip
}


def quoted_messages() -> dict[str, list[str]]:
    """Each `### ` heading of the section and the lines of the message quoted under it."""
    text = GUIDE.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/staff-guide.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    found = {}
    for part in re.split(r"^### ", section, flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        block = re.search(r"^```\n(.*?)^```", body, re.M | re.S)
        assert block, f"{heading!r}: no message quoted in a ``` block"
        found[heading.strip()] = block[1].splitlines()
    return found


def test_the_section_quotes_ten_messages_each_with_its_case():
    assert len(quoted_messages()) >= 10
    assert set(quoted_messages()) == set(CASES)


@pytest.mark.parametrize("heading", sorted(CASES))
def test_each_quoted_message_is_what_the_case_prints(heading, project):
    # A path under the project (content/bureaus.yaml) is shown in full on the staff's
    # computer; the guide quotes it from the project folder.
    printed = CASES[heading](project).replace(f"{ROOT}/", "").splitlines()
    for line in quoted_messages()[heading]:
        assert line in printed, f"{heading!r}: the guide quotes\n{line}\nbut staff see\n" + (
            "\n".join(printed)
        )
