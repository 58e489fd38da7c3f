"""The money in the open data (issue 15, item 4), read back from a real build: budget,
spent and spend fraction in targets.json, each target's file and the CSVs, as typed; the
funds flags in the flags; the JSON Schema, the data package and the open data page know
the new fields and flags, in both languages, with the live SPEND_LAG.

The register is the small fixture register with budgets added, built once, with
SPEND_LAG 0.25 (not the default) so that the threshold shown is the setting's.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import textwrap
from pathlib import Path

import frictionless
import jsonschema
import pytest

from generator.assess.status import FLAGS
from generator.register import i18n
from generator.site import editiondiff
from generator.site.fundsdata import FUNDS_COLUMNS
from tests.conftest import FIXTURE_REGISTER, build_site
from tests.sitecheck import soup

SPEND_LAG = 0.25
MILLION = "{en: million, zh-Hant: 百萬}"
# Budgets and spending lines added to the fixture's targets (the rest of each file stays).
BUDGETS = {
    "2024/FX-ON.yaml": (f"budget: {{currency: HKD, allocated: 120, unit: {MILLION}}}",
                        {"2025-Q3": "45.5"}),
    "2024/FX-RISK.yaml": ("budget: {currency: HKD, allocated: 80}", {}),  # no spending line
    "2023/FX-ACH.yaml": (f"budget: {{currency: HKD, allocated: 10, unit: {MILLION}}}",
                         {"2024-Q3": "4", "2025-Q1": "12"}),
    # A unit a spreadsheet would run as a formula: published as typed, defused in CSV.
    "2024/FX-DELAY.yaml": ("budget: {currency: USD, allocated: 2000000, unit: '=1+1'}", {}),
}  # fmt: skip
# A milestone target reporting spending in one quarter only, then none.
SPENDER = """\
    id: FX-SPEND
    title: {en: Build the data centre, zh-Hant: 興建數據中心}
    policy_address: 2024
    bureau: Education Bureau
    start: 2024-Q4
    due: 2026-Q4
    budget: {currency: HKD, allocated: 25.5, unit: {en: million, zh-Hant: 百萬}}
    progress:
      - {quarter: 2025-Q2, percent_complete: 10, spent: 30}
      - {quarter: 2025-Q3, percent_complete: 10}
    """
# Worked by hand. R = 2025-Q3 (the latest entry). FX-ON: start 2024-Q4, due 2026-Q4,
# E = 3/8 = 0.375, F = (300-100)/400 = 0.5, S = 45.5/120 = 0.37916…: no funds flag.
# FX-RISK: E = 0.375, S = 0 (no spending line): E - S = 0.375 > 0.25, funds idle.
# FX-ACH: achieved, S = 12/10 = 1.2: overspent in figures, but no flag (achieved).
# FX-DELAY: missed (due 2025-Q2), E = 1, S = 0: funds idle. FX-SPEND: E = 0.375,
# F = 0.1, S = 30/25.5 = 1.17647…: S - F > 0.25 (ahead of results) and S > 1 (overspent).
EXPECTED = {
    "FX-ON": ("HKD", 120, "million", 45.5, 0.3792, []),
    "FX-RISK": ("HKD", 80, None, 0, 0.0, ["funds_idle"]),
    "FX-ACH": ("HKD", 10, "million", 12, 1.2, []),
    "FX-DELAY": ("USD", 2000000, "=1+1", 0, 0.0, ["funds_idle"]),
    "FX-SPEND": ("HKD", 25.5, "million", 30, 1.1765, ["spending_ahead_of_results", "overspent"]),
}
FUNDS_FLAGS = {"funds_idle", "spending_ahead_of_results", "overspent"}


def with_budgets(register: Path) -> None:
    """Add the budgets, spending lines and FX-SPEND to a copy of the fixture register."""
    for name, (budget, spent) in BUDGETS.items():
        path = register / name
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line == "progress:":
                lines.append(budget)
            quarter = next((q for q in spent if f"quarter: {q}," in line), None)
            if quarter:  # a flow mapping: the spending line goes before its closing brace
                line = line[:-1] + f", spent: {spent[quarter]}}}"
            lines.append(line)
        if "progress:" not in lines:
            lines.append(budget)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (register / "2024" / "FX-SPEND.yaml").write_text(textwrap.dedent(SPENDER), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("funds-data")
    shutil.copytree(FIXTURE_REGISTER, root / "register")
    with_budgets(root / "register")
    build_site(root / "register", root / "output", SPEND_LAG=SPEND_LAG)
    return root / "output"


@pytest.fixture(scope="module")
def targets(site) -> dict[str, dict]:
    document = json.loads((site / "data" / "targets.json").read_text(encoding="utf-8"))
    return {t["id"]: t for t in document["targets"]}


def rows(site: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((site / "data" / name).read_text(encoding="utf-8"))))


def test_targets_json_has_each_budget_spent_and_share_as_worked_by_hand(targets):
    for target_id, (currency, allocated, unit, spent, share, flags) in EXPECTED.items():
        record = targets[target_id]
        found = tuple(record[k] for k in FUNDS_COLUMNS)
        assert found == (currency, allocated, unit, spent, share), target_id
        assert [f for f in record["flags"] if f in FUNDS_FLAGS] == flags, target_id
    assert targets["FX-ON"]["budget_units"] == {"en": "million", "zh-Hant": "百萬"}
    assert targets["FX-RISK"]["budget_units"] == {}


def test_a_target_without_a_budget_has_null_money_never_zero(targets):
    without = set(targets) - set(EXPECTED)
    assert without == {"FX-MISS", "FX-LATE", "FX-DROP"}
    for target_id in without:
        record = targets[target_id]
        assert all(record[k] is None for k in (*FUNDS_COLUMNS, "budget_units")), target_id
        assert not FUNDS_FLAGS & set(record["flags"])


def test_amounts_are_written_as_typed(site):
    text = (site / "data" / "targets.json").read_text(encoding="utf-8")
    # Integers stay integers (120, not 120.0), decimals keep their digits.
    assert '"budget_allocated": 120,' in text and '"budget_allocated": 25.5,' in text
    assert '"spent": 45.5,' in text and '"budget_allocated": 2000000,' in text
    assert "120.0" not in text and "2000000.0" not in text


def test_each_target_file_has_the_money_and_every_entry_its_spent(site, targets):
    for target_id, record in targets.items():
        document = json.loads((site / "data" / "targets" / f"{target_id}.json").read_text())
        assert {k: document[k] for k in FUNDS_COLUMNS} == {k: record[k] for k in FUNDS_COLUMNS}
    spender = json.loads((site / "data" / "targets" / "FX-SPEND.json").read_text())
    assert [(e["quarter"], e["spent"]) for e in spender["progress"]] == [
        ("2025-Q2", 30), ("2025-Q3", None)]  # fmt: skip
    ach = json.loads((site / "data" / "targets" / "FX-ACH.json").read_text())
    assert [e["spent"] for e in ach["progress"]] == [4, 12]


def test_targets_csv_has_the_money_columns_after_the_titles(site):
    text = (site / "data" / "targets.csv").read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    after = header.index("title_zh-Hant") + 1
    assert header[after - 2 : after] == ["title_en", "title_zh-Hant"]
    assert tuple(header[after : after + len(FUNDS_COLUMNS)]) == FUNDS_COLUMNS
    table = {r["id"]: r for r in rows(site, "targets.csv")}
    assert [table["FX-ON"][k] for k in FUNDS_COLUMNS] == ["HKD", "120", "million", "45.5", "0.3792"]
    assert [table["FX-RISK"][k] for k in FUNDS_COLUMNS] == ["HKD", "80", "", "0", "0.0"]
    assert [table["FX-MISS"][k] for k in FUNDS_COLUMNS] == [""] * len(FUNDS_COLUMNS)
    assert table["FX-DELAY"]["budget_unit"] == "'=1+1"
    assert table["FX-SPEND"]["flags"] == "spending_ahead_of_results;overspent"


def test_progress_csv_has_each_entrys_spent(site):
    spent = {(r["id"], r["quarter"]): r["spent"] for r in rows(site, "progress.csv")}
    assert spent[("FX-ON", "2025-Q3")] == "45.5"
    assert spent[("FX-SPEND", "2025-Q2")] == "30"
    assert spent[("FX-SPEND", "2025-Q3")] == ""  # reported progress, no spending line
    assert spent[("FX-ACH", "2024-Q3")] == "4"
    assert spent[("FX-RISK", "2025-Q2")] == ""


def test_history_csv_has_the_funds_flags_by_quarter(site):
    history = {(r["id"], r["quarter"]): r["flags"] for r in rows(site, "history.csv")}
    # FX-SPEND spent 30 of 25.5 in 2025-Q2: overspent from then on, not before.
    assert history[("FX-SPEND", "2025-Q1")] == "not_reported"  # E = 1/8, S = 0: not idle yet
    assert history[("FX-SPEND", "2025-Q2")] == "spending_ahead_of_results;overspent"


def test_the_published_schema_knows_the_money_and_the_flags(site):
    schema = json.loads((site / "data" / "targets.schema.json").read_text())
    target = schema["$defs"]["target"]["properties"]
    assert set(target["flags"]["items"]["enum"]) == set(FLAGS) >= FUNDS_FLAGS
    assert all(flag in target["flags"]["description"] for flag in FLAGS)
    assert all(target[k]["description"] for k in (*FUNDS_COLUMNS, "budget_units"))
    validator = jsonschema.Draft202012Validator(schema)
    document = json.loads((site / "data" / "targets.json").read_text())
    validator.validate(document)
    for breaking in (
        lambda t: t.update(budget_currency="hkd"),
        lambda t: t.update(spent=-1),
        lambda t: t.update(budget_allocated=0),
        lambda t: t.update(flags=["funds_lost"]),
    ):
        broken = copy.deepcopy(document)
        breaking(next(t for t in broken["targets"] if t["id"] == "FX-ON"))
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)
    files = jsonschema.Draft202012Validator({"$defs": schema["$defs"],
                                             "$ref": "#/$defs/target_document"})  # fmt: skip
    spender = json.loads((site / "data" / "targets" / "FX-SPEND.json").read_text())
    files.validate(spender)
    spender["progress"][0]["spent"] = "30"  # a figure, never text
    with pytest.raises(jsonschema.ValidationError):
        files.validate(spender)


def test_the_data_package_describes_the_money_and_validates(site):
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "type", "note"])
    package = json.loads((site / "data" / "datapackage.json").read_text())
    assert package["spend_lag"] == SPEND_LAG
    tables = {r["name"]: r["schema"]["fields"] for r in package["resources"] if "schema" in r}
    targets_fields = {f["name"]: f for f in tables["targets"]}
    assert all(targets_fields[k]["description"] for k in FUNDS_COLUMNS)
    assert targets_fields["spent"]["type"] == "number"
    assert all(flag in targets_fields["flags"]["description"] for flag in FLAGS)
    assert {f["name"]: f["type"] for f in tables["progress"]}["spent"] == "number"


def test_the_data_package_refuses_a_flag_it_does_not_know(site, tmp_path):
    copied = tmp_path / "data"
    shutil.copytree(site / "data", copied)
    text = (copied / "history.csv").read_text()
    assert "funds_idle" in text
    (copied / "history.csv").write_text(text.replace("funds_idle", "funds_lost", 1))
    package = json.loads((copied / "datapackage.json").read_text())
    for resource in package["resources"]:  # the hashes would fail it anyway: drop them
        resource.pop("hash"), resource.pop("bytes")
    (copied / "datapackage.json").write_text(json.dumps(package))
    report = frictionless.validate(str(copied / "datapackage.json"))
    assert {e[0] for e in report.flatten(["type"])} == {"constraint-error"}


@pytest.mark.parametrize(
    ("root", "words"),
    [
        ("", ("The money allocated to the target", "is more than 0.25", "Funds idle")),
        ("zh-hant/", ("登記冊列有預算的目標所獲的撥款", "大於0.25", "資金閒置")),
    ],
)
def test_the_open_data_page_describes_the_money_and_every_flag(site, root, words):
    page = soup(site / root / "data" / "index.html")
    terms = {dt.get_text(" ", strip=True) for dt in page.select("dl dt")}
    assert "budget_currency , budget_allocated , budget_unit" in terms
    assert "spent , spend_fraction" in terms
    flags = next(dt for dt in page.select("dl dt") if dt.get_text(strip=True) == "flags")
    listed = [code.get_text() for code in flags.find_next_sibling("dd").select("li code")]
    assert listed == list(FLAGS)
    text = page.get_text(" ", strip=True)
    assert all(w in text for w in words), root


def test_an_edition_with_the_money_compares_spending_as_a_figure():
    """A later edition holds the money fields: a changed spent is a figure, labelled."""
    record = {"id": "X", "spent": 10, "spend_fraction": 0.1, "budget_allocated": 100}
    today = {"targets": [record | {"spent": 12, "spend_fraction": 0.12}]}
    (changed,) = editiondiff.compare({"targets": [record]}, today).changed
    assert [c.field for c in changed.figures] == ["spent", "spend_fraction"]
    assert editiondiff.shown_value("spend_fraction", 0.12) == "12%"
    with i18n.use("zh-Hant"):
        assert editiondiff.field_label("spent") == "累計開支"
        assert editiondiff.field_label("budget_allocated") == "撥款額"
