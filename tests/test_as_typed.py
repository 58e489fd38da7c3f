"""Figures and words are read as typed: YAML 1.1 surprises are errors that say what to write.

PyYAML reads YAML 1.1, where ``06000`` is octal 3072, ``1:30`` is 90 and ``No`` is
false; editors and ruamel read YAML 1.2, where they are something else again. The
reader accepts only what every reader and every person read alike.
"""

from __future__ import annotations

import datetime
import shutil
import textwrap

import pytest

from generator.project.settings import PortalSettings
from generator.register.errors import RegisterError
from generator.register.loader import load_register
from generator.register.yamldoc import load_document
from tests.conftest import FIXTURE_REGISTER, run

PATH = "targets/X.yaml"


def load(text: str):
    return load_document(PATH, textwrap.dedent(text).encode("utf-8"))


def problems_of(value: str) -> list[str]:
    """The problems of a file whose line 2 is ``value: <value>``."""
    doc, problems = load(f"id: X\nvalue: {value}\n")
    assert doc is not None
    if problems:
        assert doc.data["value"] is None  # a refused value is never passed on
    return [str(p) for p in problems]


QUOTE_IT = ", or put it in quotes, '{0}', if it is text"

NUMBERS = [
    # YAML 1.1 reads these as another number than the one a person sees.
    ("06000", "'06000' is read by YAML as 3072 (a leading 0 makes it octal): write 6000"),
    ("-010", "'-010' is read by YAML as -8 (a leading 0 makes it octal): write -10"),
    ("1:30", "'1:30' is read by YAML as 90 (a ':' makes it a base-60 number, as in times): "
     "write 90"),
    ("0x10", "'0x10' is read by YAML as 16 (0x makes it hexadecimal): write 16"),
    ("0b101", "'0b101' is read by YAML as 5 (0b makes it binary): write 5"),
    ("0o7", "'0o7' is read by YAML 1.2 tools as 7 (0o makes it octal): write 7"),
    # Same value, but not every reader agrees: written plainly instead.
    ("1_000", "'1_000' is not written as a plain number (YAML readers disagree about _ in "
     "numbers): write 1000"),
    ("+5", "'+5' is not written as a plain number (YAML readers disagree about a leading +): "
     "write 5"),
    (".5", "'.5' is not written as a plain number (YAML readers disagree about a number "
     "without digits before or after the point): write 0.5"),
    ("5.", "'5.' is not written as a plain number (YAML readers disagree about a number "
     "without digits before or after the point): write 5"),
    ("08", "'08' is not written as a plain number (YAML readers disagree about a leading 0): "
     "write 8"),
    ("012.5", "'012.5' is not written as a plain number (YAML readers disagree about a "
     "leading 0): write 12.5"),
    # Exponents are refused: figures in a register are written out in digits.
    ("1e308", "'1e308' has an exponent, which YAML readers disagree about: write the number "
     "out in digits"),
    ("1.5e3", "'1.5e3' has an exponent, which YAML readers disagree about: write the number "
     "out in digits, 1500"),
    ("1.0e+5", "'1.0e+5' has an exponent, which YAML readers disagree about: write the number "
     "out in digits, 100000"),
    ("2E-3", "'2E-3' has an exponent, which YAML readers disagree about: write the number "
     "out in digits, 0.002"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "message"), NUMBERS, ids=[n for n, _ in NUMBERS])
def test_a_number_not_read_as_typed_is_refused_with_how_to_write_it(typed, message):
    assert problems_of(typed) == [f"{PATH}:2: value: {message}{QUOTE_IT.format(typed)}"]


WORDS = [
    ("No", "false", "YAML"), ("no", "false", "YAML"), ("NO", "false", "YAML"),
    ("yes", "true", "YAML"), ("Yes", "true", "YAML"), ("on", "true", "YAML"),
    ("OFF", "false", "YAML"), ("True", "true", "YAML"), ("FALSE", "false", "YAML"),
    ("y", "true", "some YAML tools"), ("N", "false", "some YAML tools"),
    ("yEs", "true", "some YAML tools"), ("oN", "true", "some YAML tools"),
    ("tRUE", "true", "some YAML tools"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "read", "who"), WORDS, ids=[w for w, _, _ in WORDS])
def test_a_yes_no_word_is_refused_with_how_to_write_it(typed, read, who):
    # value is a figure: quotes would make it text, no better; a number is what is wanted.
    assert problems_of(typed) == [
        f"{PATH}:2: value: the bare word {typed} is read by {who} as {read} (a yes/no), "
        "not a number: write a number"
    ]
    _, problems = load(f"id: X\nnote: {typed}\n")
    assert [str(p) for p in problems] == [
        f"{PATH}:2: note: the bare word {typed} is read by {who} as {read}: "
        f"write it in quotes, '{typed}', if it is text"
    ]


@pytest.mark.parametrize(
    ("typed", "value"),
    [("0", 0), ("-0", 0), ("6000", 6000), ("-3", -3), ("12.5", 12.5), ("0.5", 0.5),
     ("-0.25", -0.25), ("1000000000000000", 10**15), ("true", True), ("false", False),
     ("'06000'", "06000"), ('"1:30"', "1:30"), ("'No'", "No"), ("'y'", "y"), ("'1e3'", "1e3"),
     ("!!str 06000", "06000"), ("!!str yes", "yes"), ("1.2.3", "1.2.3"), ("1:60", "1:60"),
     ("2024-Q1", "2024-Q1"), ("2026-01-15", datetime.date(2026, 1, 15)), ("~", None),
     ("yesterday", "yesterday"), ("No way", "No way"), ("|\n  No\n", "No\n")],
)  # fmt: skip
def test_plain_decimals_true_false_and_quoted_text_are_read_as_typed(typed, value):
    doc, problems = load(f"id: X\nvalue: {typed}\n")
    assert problems == []
    assert doc.data["value"] == value
    assert type(doc.data["value"]) is type(value)


def test_refused_values_keep_their_lines_in_nested_places_and_lists():
    _, problems = load(
        """\
        id: X
        title:
          en: No
        partners: [Yes, Development Bureau]
        progress:
          - quarter: 2024-Q1
            value: 12
          - quarter: 2024-Q2
            value: 06000
        """
    )
    assert [(p.line, p.field) for p in problems] == [
        (3, "title.en"),
        (4, "partners[0]"),
        (9, "progress[1].value"),
    ]


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("!!int '06000'", "'06000' is read by YAML as 3072 (a leading 0 makes it octal)"),
        ('!!float "1e3"', "'1e3' has an exponent"),
        ("!!bool 'yes'", "yes is read by YAML as true"),
    ],
)
def test_a_quoted_value_tagged_as_a_number_or_yes_no_is_read_as_typed_too(typed, fragment):
    (problem,) = problems_of(typed)
    assert fragment in problem


@pytest.mark.parametrize("typed", ["=", "<<"])
def test_a_bare_yaml_special_value_is_refused_as_such_not_as_a_tag(typed):
    # Unquoted, "=" and "<<" are YAML's "value" and "merge" keys: the message said to
    # remove a '!' tag that is not there.
    assert problems_of(typed) == [
        f"{PATH}:2: value: the bare {typed} has a special meaning in YAML: "
        f"write it in quotes, '{typed}'"
    ]


@pytest.mark.parametrize("key", ["yes", "06000", "1:30"])
def test_keys_that_are_not_words_are_still_refused_as_keys(key):
    _, problems = load(f"id: X\n{key}: 1\n")
    assert [(p.line, p.message) for p in problems] == [
        (2, "every key must be a plain word, such as 'title'")
    ]


def register_with(tmp_path, old: str, new: str):
    """A copy of the fixture register with ``old`` replaced by ``new`` in FX-ON."""
    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    path = register / "2024" / "FX-ON.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return register


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("value: 300", "value: 06000", "FX-ON.yaml:8: progress[0].value: '06000' is read by "
         "YAML as 3072 (a leading 0 makes it octal): write 6000"),
        ("value: 300", "value: 1:30", "FX-ON.yaml:8: progress[0].value: '1:30' is read by YAML "
         "as 90"),
        ("title: Connect 500 schools to fibre", "title: No", "FX-ON.yaml:2: title: the bare "
         "word No is read by YAML as false: write it in quotes, 'No', if it is text"),
        ("target: 500", "target: 5e2", "FX-ON.yaml:6: indicator.target: '5e2' has an exponent"),
    ],
)  # fmt: skip
def test_the_register_is_refused_not_published_with_another_figure(tmp_path, old, new, expected):
    with pytest.raises(RegisterError) as error:
        load_register(register_with(tmp_path, old, new), reporting_quarter=None, default_lang="en")
    assert expected in str(error.value)
    assert str(error.value).count("\n") == 1  # one problem, not a second "missing" one


def test_invoke_validate_refuses_an_octal_figure(project):
    path = project / "targets" / "health-bureau" / "PA2023-004.yaml"
    text = path.read_text()
    assert "  baseline: 120\n" in text
    path.write_text(text.replace("  baseline: 120\n", "  baseline: 0120\n", 1))
    result = run(project, "validate")
    assert result.returncode == 1
    assert (
        "indicator.baseline: '0120' is read by YAML as 80 (a leading 0 makes it octal): write 120"
    ) in result.stderr
    assert "Traceback" not in result.stderr


# --- CSV import: the same rule for numbers --------------------------------------

HEADER = "id,quarter,value,percent_complete,note,sources,verified_by\n"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("06000", "value: '06000' is not a plain number: write 6000"),
        ("1e3", "value: '1e3' is not a plain number: write 1000"),
        ("1_000", "value: '1_000' is not a plain number: write 1000"),
        ("+5", "value: '+5' is not a plain number: write 5"),
        (".5", "value: '.5' is not a plain number: write 0.5"),
        ("0x10", "value: '0x10' is not a plain number: write 16"),
        ("nan", "value: 'nan' is not a number; write digits only"),
        ("inf", "value: 'inf' is not a number; write digits only"),
        ('"1,200"', "value: '1,200' is not a number; write digits only"),
    ],
)
def test_a_csv_cell_not_written_as_a_plain_number_is_refused_by_row_and_column(
    tmp_path, cell, message
):
    from generator.staff.commands import import_progress
    from generator.staff.editing import EditError

    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    before = (register / "2024" / "FX-ON.yaml").read_bytes()
    csv_file = tmp_path / "updates.csv"
    csv_file.write_text(HEADER + "FX-ON,2025-Q4,310,,,,\n" + f"FX-ON,2026-Q1,{cell},,,,\n")
    settings = PortalSettings(targets_path=register)
    with pytest.raises(EditError) as error:
        import_progress(settings, csv_file, dry_run=False)
    assert f"updates.csv row 3, column {message}" in str(error.value)
    assert "row 2" not in str(error.value)
    assert (register / "2024" / "FX-ON.yaml").read_bytes() == before


def test_a_csv_row_with_more_cells_than_the_header_is_refused_by_row(tmp_path):
    from generator.staff.commands import import_progress
    from generator.staff.editing import EditError

    register = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    csv_file = tmp_path / "updates.csv"
    csv_file.write_text(HEADER + "FX-ON,2025-Q4,1,200,,,,\n")  # an unquoted thousands comma
    with pytest.raises(EditError) as error:
        import_progress(PortalSettings(targets_path=register), csv_file, dry_run=False)
    assert (
        "updates.csv row 2: 8 cells, but the header has 7 columns: put a cell that holds a "
        'comma in double quotes ("1,200"), or remove the extra comma'
    ) in str(error.value)
