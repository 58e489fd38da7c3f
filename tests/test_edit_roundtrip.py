"""What the editing commands write reads back through the validator exactly as it was given.

The editing tools write with ruamel (YAML 1.2) and the validator reads with PyYAML
(YAML 1.1): every text is quoted where YAML 1.1 would read it as something else,
and every number is written as a plain decimal.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.project.settings import PortalSettings
from generator.register.loader import load_register, read_target
from generator.staff import commands
from generator.staff.editing import EditError
from tests.conftest import FIXTURE_REGISTER, ROOT, added_lines, run

HEADER = ["id", "quarter", "value", "percent_complete", "note", "sources", "verified_by"]
FIXTURE_BUREAUS = ["Housing Bureau", "Health Bureau", "Education Bureau", "Transport Bureau"]


def fixture_copy(folder: Path) -> Path:
    register = folder / "register"
    shutil.copytree(FIXTURE_REGISTER, register)
    return register


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([HEADER, *rows])
    return out.getvalue()


def plain(number: float | int) -> str:
    """A number as a spreadsheet writes it: plain decimal digits."""
    return str(number) if isinstance(number, int) else format(Decimal(repr(number)), "f")


# --- the defects, one by one -----------------------------------------------------


def test_new_target_with_a_title_yaml_reads_as_false_is_valid(project):
    result = run(
        project, "new-target", "--id", "PA2025-001", "--title", "No", "--bureau",
        "Environment Bureau", "--policy-address", "2025", "--due", "2027-Q4", "--area", "1:30",
        "--unit", "yes", "--baseline", "0", "--target", "1000",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = project / "targets" / "environment-bureau" / "PA2025-001.yaml"
    text = path.read_text()
    assert "title: 'No'\n" in text and "area: '1:30'\n" in text and "  unit: 'yes'\n" in text
    assert run(project, "validate").returncode == 0
    target, problems = read_target(path, "en", None)
    assert problems == []
    expected = ({"en": "No"}, "1:30", {"en": "yes"})
    assert (target.title, target.area, target.indicator.unit) == expected


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (1e-5, "value: 0.00001"),
        (0.000001, "value: 0.000001"),
        (-2.5e-5, "value: -0.000025"),
        (1e15, "value: 1000000000000000"),
        (12345678.125, "value: 12345678.125"),
        (-0.0, "value: 0"),
    ],
)
def test_report_writes_numbers_as_plain_decimals_that_read_back_equal(tmp_path, value, line):
    register = fixture_copy(tmp_path)
    path = register / "2024" / "FX-ON.yaml"
    before = path.read_text()
    entry = {"quarter": "2025-Q4", "value": value}
    commands.report(PortalSettings(targets_path=register), "FX-ON", entry)
    assert added_lines(before, path.read_text()) == ["  - quarter: 2025-Q4", f"    {line}"]
    target, problems = read_target(path, "en", None)
    assert problems == [] and target.progress[-1].value == value


def test_a_figure_with_too_many_decimals_is_refused_with_the_rounding_message(tmp_path):
    register = fixture_copy(tmp_path)
    path = register / "2024" / "FX-ON.yaml"
    before = path.read_bytes()
    with pytest.raises(EditError) as error:
        commands.report(PortalSettings(targets_path=register), "FX-ON", {"quarter": "2025-Q4",
                        "value": 1e-7})  # fmt: skip
    assert "progress[1].value: 1e-07 has more than 6 digits after the decimal point" in str(
        error.value
    )
    assert path.read_bytes() == before


def french_register(folder: Path) -> Path:
    """The fixture register with every title given as a map, in French only."""
    register = fixture_copy(folder)
    for path in register.rglob("*.yaml"):
        lines = path.read_text().splitlines(keepends=True)
        lines = [f"title:\n  fr: {ln[7:]}" if ln.startswith("title: ") else ln for ln in lines]
        path.write_text("".join(lines).replace("\n  en: ", "\n  fr: "))
    return register


def test_a_register_in_another_default_language_is_edited_in_that_language(tmp_path):
    register = french_register(tmp_path)
    # The project is the register and its content folder: bureaus declared in French too.
    content = tmp_path / "content"
    content.mkdir()
    bureaus = (ROOT / "content" / "bureaus.yaml").read_text(encoding="utf-8")
    (content / "bureaus.yaml").write_text(bureaus.replace("{en: ", "{fr: "), encoding="utf-8")
    settings = PortalSettings(
        targets_path=register, content_path=content, default_lang="fr", languages=("fr",)
    )
    load_register(
        register, reporting_quarter=None, default_lang="fr"
    )  # the copy is valid in French
    csv_file = tmp_path / "updates.csv"
    rows = [["FX-ON", "2025-Q4", "320", "", "", "", ""], ["FX-ACH", "2025-Q3", "4", "", "", "", ""]]
    csv_file.write_text(csv_text(rows))
    assert "Made 2 update(s)" in commands.import_progress(settings, csv_file, dry_run=False)
    commands.report(settings, "FX-RISK", {"quarter": "2025-Q3", "value": 900})
    commands.justify(
        settings, "FX-MISS", {"reason": "R", "revised_due": "2026-Q2", "measures": "M"}
    )
    fields = {"id": "PA2025-002", "title": "Un titre", "policy_address": 2025,
              "bureau": "Housing Bureau", "due": "2027-Q4"}  # fmt: skip
    commands.new_target(settings, fields, None)
    targets = {t.id: t for t in load_register(register, reporting_quarter=None, default_lang="fr")}
    assert targets["FX-ON"].progress[-1].value == 320
    assert str(targets["FX-ACH"].progress[-1].quarter) == "2025-Q3"
    assert targets["FX-ACH"].title["fr"] == "Open 4 community health centres"
    assert targets["FX-RISK"].progress[-1].value == 900
    assert targets["FX-MISS"].delay is not None
    assert targets["PA2025-002"].title == {"fr": "Un titre"}


def test_an_existing_value_the_reader_refuses_is_reported_not_silently_rewritten(tmp_path):
    register = fixture_copy(tmp_path)
    path = register / "2024" / "FX-ON.yaml"
    text = path.read_text().replace("value: 300}", "value: 300, verified_by: Yes}")
    path.write_text(text)
    with pytest.raises(EditError) as error:
        commands.report(PortalSettings(targets_path=register), "FX-ON", {"quarter": "2025-Q4",
                        "value": 310})  # fmt: skip
    assert "the bare word Yes is read by YAML as true: write it in quotes, 'Yes'" in str(
        error.value
    )
    assert path.read_text() == text


# --- the property: anything written reads back as given --------------------------

AWKWARD = [
    "No", "no", "yes", "Yes", "y", "n", "ON", "off", "True", "FALSE", "tRUE", "1:30", "06000",
    "1e3", "1e308", "0o7", ".5", "+5", "1_000", "0x10", "08", "null", "Null", "~", "#x",
    "- a", "key: value", "x:", ": x", "a # b", "[x]", "{a: b}", "&anchor", "*alias", "!tag",
    "%x", "@x", "`x", "|", ">", "?", "-", "=", "<<", "2024-01-01", "2024-Q1", "12:30",
    " padded ", "'single'", '"double"', "it's \"both\"", "a\\b", "公園", "開設十二間地區康健中心",
    "🎉", "👩‍💻 codes", "Ünïcödé façade", "x" * 6000, ("word " * 1500).strip(), "\u3000wide",
]  # fmt: skip
VISIBLE = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])


def has_visible(text: str) -> bool:
    # Invisible-only texts and control characters are refused by the reader (another check).
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


one_line = st.one_of(st.sampled_from(AWKWARD), st.text(VISIBLE, min_size=1, max_size=60)).filter(
    has_visible
)
many_lines = st.one_of(one_line, st.lists(one_line, min_size=2, max_size=4).map("\n".join)).filter(
    has_visible
)


def figure(mantissa: int, decimals: int) -> int | float:
    """A figure as the validator takes it: at most 15 digits, 6 of them after the point."""
    return mantissa if decimals == 0 else float(Decimal(mantissa).scaleb(-decimals))


numbers = st.one_of(
    st.builds(figure, st.integers(-(10**15) + 1, 10**15 - 1), st.integers(0, 6)),
    st.builds(figure, st.integers(-999, 999), st.integers(0, 6)),
    st.sampled_from([0.5, 1e-5, 0.000001, 0.1, 123456.789, -0.0, 10**15, 6000.0, 99999999999999.5]),
)
percents = st.one_of(
    st.integers(0, 100), st.builds(figure, st.integers(0, 100_000_000), st.integers(6, 6))
)


@st.composite
def edits(draw) -> dict:
    numeric = draw(st.booleans())
    baseline, target = draw(numbers), draw(numbers)
    assume(baseline != target)
    reported = draw(numbers) if numeric else draw(percents)
    texts = {name: draw(one_line) for name in ("title", "area", "unit", "verified_by",
             "responsible", "csv_verified_by")}  # fmt: skip
    texts |= {name: draw(many_lines) for name in ("note", "reason", "measures", "csv_note")}
    return {"numeric": numeric, "baseline": baseline, "target": target, "figure": reported,
            "bureau": draw(st.sampled_from(FIXTURE_BUREAUS)), "csv_value": draw(numbers),
            **texts}  # fmt: skip


def run_edits(register: Path, e: dict) -> None:
    """New target, its first report, a justification and a CSV import, as staff run them."""
    settings = PortalSettings(targets_path=register)
    fields = {"id": "PA2025-900", "title": e["title"], "policy_address": 2024,
              "bureau": e["bureau"], "area": e["area"], "due": "2026-Q4"}  # fmt: skip
    if e["numeric"]:
        direction = "increase" if e["target"] > e["baseline"] else "decrease"
        fields["indicator"] = {"unit": e["unit"], "baseline": e["baseline"],
                               "target": e["target"], "direction": direction}  # fmt: skip
    commands.new_target(settings, fields, None)
    measure = "value" if e["numeric"] else "percent_complete"
    entry = {
        "quarter": "2025-Q1",
        measure: e["figure"],
        "note": e["note"],
        "sources": ["https://www.example.gov/a?b=c#d"],
        "verified_by": e["verified_by"],
    }
    commands.report(settings, "PA2025-900", entry)
    delay = {"reason": e["reason"], "revised_due": "2026-Q2", "measures": e["measures"],
             "responsible": e["responsible"]}  # fmt: skip
    commands.justify(settings, "FX-MISS", delay)
    csv_file = register.parent / "updates.csv"
    row = ["FX-ON", "2025-Q4", plain(e["csv_value"]), "", e["csv_note"], "",
           e["csv_verified_by"]]  # fmt: skip
    csv_file.write_text(csv_text([row]), encoding="utf-8")
    commands.import_progress(settings, csv_file, dry_run=False)


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(edits())
def test_what_the_editing_commands_write_reads_back_as_given(e):
    with tempfile.TemporaryDirectory() as folder:
        register = fixture_copy(Path(folder))
        run_edits(register, e)
        targets = {
            t.id: t for t in load_register(register, reporting_quarter=None, default_lang="en")
        }  # the whole register is valid
    new, missed, imported = targets["PA2025-900"], targets["FX-MISS"], targets["FX-ON"]
    assert (new.title, new.bureau, new.area) == ({"en": e["title"].strip()}, e["bureau"],
                                                 e["area"].strip())  # fmt: skip
    entry = new.progress[-1]
    if e["numeric"]:
        indicator = new.indicator
        assert (indicator.unit, indicator.baseline, indicator.target) == (
            {"en": e["unit"].strip()}, e["baseline"], e["target"])  # fmt: skip
        assert entry.value == e["figure"]
    else:
        assert new.indicator is None and entry.percent_complete == e["figure"]
    assert (entry.note, entry.verified_by) == (e["note"].strip(), e["verified_by"].strip())
    assert entry.sources == ("https://www.example.gov/a?b=c#d",)
    delay = missed.delay
    assert (delay.reason, delay.measures, delay.responsible) == (
        e["reason"].strip(), e["measures"].strip(), e["responsible"].strip())  # fmt: skip
    last = imported.progress[-1]
    assert (str(last.quarter), last.value) == ("2025-Q4", e["csv_value"])
    assert (last.note, last.verified_by) == (e["csv_note"].strip(), e["csv_verified_by"].strip())
