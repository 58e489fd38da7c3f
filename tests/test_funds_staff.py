"""The staff commands and the money (issue 15): new-target writes a budget, report --spent
and import-progress add spending refused as the validator refuses it, and the change
summary reports spending, overspending, budgets and new funds flags with SPEND_LAG."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from generator.assess.status import DEFAULT_AT_RISK_LAG
from generator.register.loader import load_register, read_target
from generator.register.quarters import Quarter
from generator.staff.changes import summarize, to_markdown
from generator.staff.changeset import compare
from tests.conftest import added_lines, run
from tests.gitenv import GIT_ENV

NEW_TARGET = ("new-target", "--id", "PA2025-901", "--title", "Build 10 piers", "--bureau",
              "Housing Bureau", "--policy-address", "2025", "--due", "2027-Q4")  # fmt: skip
# PA2023-004 has a budget (HKD 260 million) and spent 228 by 2026-Q3; PA2023-011 has none.
FUNDED = "health-bureau/PA2023-004.yaml"
UNFUNDED = "health-bureau/PA2023-011.yaml"


def test_new_target_writes_the_budget_where_the_model_declares_it(project):
    budget = ("--currency", "HKD", "--allocated", "120.5", "--budget-unit", "million")
    result = run(project, *NEW_TARGET, "--unit", "piers", "--baseline", "0", "--target", "10",
                 *budget)  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = project / "targets" / "housing-bureau" / "PA2025-901.yaml"
    lines = path.read_text().splitlines()
    at = lines.index("budget:")
    assert lines[at - 4 : at + 4] == [
        "indicator:", "  unit: piers", "  baseline: 0", "  target: 10",
        "budget:", "  currency: HKD", "  allocated: 120.5", "  unit: million",
    ]  # fmt: skip
    assert lines[-1] == "progress: []"
    target, problems = read_target(path, "en", None)
    assert problems == [] and target.budget.allocated == 120.5
    assert target.budget.unit == {"en": "million"}


def test_new_target_without_a_unit_writes_currency_and_allocated_only(project):
    result = run(project, *NEW_TARGET, "--currency", "HKD", "--allocated", "40")
    assert result.returncode == 0, result.stderr
    text = (project / "targets" / "housing-bureau" / "PA2025-901.yaml").read_text()
    assert "budget:\n  currency: HKD\n  allocated: 40\n# Quarterly" in text


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--budget-unit", "million"), 2,
         "--budget-unit: a budget needs --currency and --allocated too"),
        (("--currency", "HKD"), 2, "--currency: a budget needs --allocated too"),
        (("--currency", "hkd", "--allocated", "5"), 1,
         "targets/housing-bureau/PA2025-901.yaml:8: budget.currency: 'hkd' is not an ISO 4217 "
         "currency code: write HKD"),
        (("--currency", "HKD", "--allocated", "0"), 1,
         "targets/housing-bureau/PA2025-901.yaml:9: budget.allocated: 0 must be more than 0"),
        (("--currency", "HKD", "--allocated", "1e3"), 2,
         "--allocated: '1e3' is not a plain number: write 1000"),
    ],
)  # fmt: skip
def test_new_target_refuses_a_bad_budget_and_writes_nothing(project, args, status, message):
    result = run(project, *NEW_TARGET, *args)
    assert result.returncode == status
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (project / "targets" / "housing-bureau" / "PA2025-901.yaml").exists()


def test_report_spent_adds_spending_to_the_quarters_entry(project):
    path = project / "targets" / FUNDED
    before = path.read_text()
    result = run(project, "report", "--id", "PA2023-004", "--quarter", "2026-Q4", "--value",
                 "90", "--source", "https://www.example.gov/ae/q4", "--spent", "240.5")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "PA2023-004: add 2026-Q4: 90, spent 240.5" in result.stdout
    assert added_lines(before, path.read_text()) == [
        "  - quarter: 2026-Q4", "    value: 90", "    sources:",
        "      - https://www.example.gov/ae/q4", "    spent: 240.5",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("target", "spent", "status", "message"),
    [
        ("PA2023-004", "200", 1, "progress[6].spent: 200 is less than the 228 spent by "
         "2026-Q3: spent is the total up to the end of the quarter, so it never goes down"),
        ("PA2023-004", "-5", 1, "progress[6].spent: -5 is negative: give the amount spent so "
         "far, 0 or more"),
        ("PA2023-011", "3", 1, "spent: the target has no budget: add 'budget:' with its "
         "currency and allocated amount, or remove 'spent'"),
        ("PA2023-004", "06000", 2, "--spent: '06000' is not a plain number"),
    ],
)  # fmt: skip
def test_report_spent_is_refused_as_the_validator_refuses_it(
    project, target, spent, status, message
):
    path = project / "targets" / (FUNDED if target == "PA2023-004" else UNFUNDED)
    before = path.read_text()
    result = run(project, "report", "--id", target, "--quarter", "2026-Q4", "--value", "90",
                 "--spent", spent)  # fmt: skip
    assert result.returncode == status, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    if status == 1:  # the validator's own line: file:line: field
        assert f"targets/{path.relative_to(project / 'targets')}:" in result.stderr
    assert path.read_text() == before


def test_import_progress_takes_an_optional_spent_column(project):
    (project / "updates.csv").write_text(
        "id,quarter,value,percent_complete,note,sources,verified_by,spent\n"
        "PA2023-004,2026-Q4,90,,,,,231\n"
        "PA2023-011,2026-Q4,1,,,,,\n"  # empty cell: no spending line, no budget needed
    )
    funded, unfunded = project / "targets" / FUNDED, project / "targets" / UNFUNDED
    before = funded.read_text()
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert result.returncode == 0, result.stderr
    assert added_lines(before, funded.read_text())[-1] == "    spent: 231"
    assert "spent" not in unfunded.read_text().split("2026-Q4")[-1]
    targets = {
        t.id: t
        for t in load_register(project / "targets", reporting_quarter=None, default_lang="en")
    }
    assert targets["PA2023-004"].progress[-1].spent == 231


def test_import_progress_refuses_a_bad_spent_row_and_writes_nothing(project):
    (project / "updates.csv").write_text(
        "id,quarter,value,spent\nPA2023-004,2026-Q4,90,100\nPA2023-011,2026-Q4,1,3\n"
    )
    before = {p: p.read_text() for p in (project / "targets").rglob("*.yaml")}
    result = run(project, "import-progress", "--csv", "updates.csv")
    assert result.returncode == 1
    assert "updates.csv row 2, column spent: 100 is less than the 228 spent by 2026-Q3" in (
        result.stderr
    )
    assert "updates.csv row 3, column spent: the target has no budget" in result.stderr
    assert {p: p.read_text() for p in before} == before


# --- The change summary ------------------------------------------------------------------

HEAD = """\
    id: {id}
    title: {id} target
    policy_address: 2024
    bureau: Housing Bureau
    due: 2026-Q4
    indicator: {{unit: sites, baseline: 0, target: 100}}
    """
OLD = {
    "M-ON": "budget: {currency: HKD, allocated: 100, unit: million}\nprogress:\n"
            "  - {quarter: 2025-Q1, value: 10, spent: 10}\n"
            "  - {quarter: 2025-Q2, value: 20, spent: 20}\n",
    "M-ADD": "progress:\n  - {quarter: 2025-Q2, value: 20}\n",
    "M-DROP": "budget: {currency: HKD, allocated: 50}\nprogress:\n"
              "  - {quarter: 2025-Q2, value: 30}\n",
    "M-CHG": "budget: {currency: HKD, allocated: 80, unit: '[m](x)'}\nprogress:\n"
             "  - {quarter: 2025-Q2, value: 20, spent: 30}\n",
}  # fmt: skip
NEW = {
    "M-ON": OLD["M-ON"] + "  - {quarter: 2025-Q3, value: 30, spent: 110}\n",
    "M-ADD": "budget: {currency: HKD, allocated: 40}\n" + OLD["M-ADD"]
             + "  - {quarter: 2025-Q3, value: 30}\n",
    "M-DROP": "progress:\n  - {quarter: 2025-Q2, value: 30}\n  - {quarter: 2025-Q3, value: 40}\n",
    "M-CHG": "budget: {currency: HKD, allocated: 100, unit: '[m](x)'}\nprogress:\n"
             "  - {quarter: 2025-Q2, value: 20, spent: 25}\n"
             "  - {quarter: 2025-Q3, value: 30, spent: 25}\n",
}  # fmt: skip


def register(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for target_id, rest in files.items():
        (folder / f"{target_id}.yaml").write_text(textwrap.dedent(HEAD.format(id=target_id)) + rest)
    return folder


def sides(tmp_path: Path):
    old = load_register(register(tmp_path / "old", OLD), reporting_quarter=None, default_lang="en")
    new = load_register(register(tmp_path / "new", NEW), reporting_quarter=None, default_lang="en")
    return old, new


def test_the_change_set_has_spending_budgets_overspending_and_new_flags(tmp_path):
    old, new = sides(tmp_path)
    funds = compare(old, new, reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG).funds
    assert [(s.target.id, str(s.quarter), s.old, s.new) for s in funds.spending] == [
        ("M-CHG", "2025-Q2", 30, 25), ("M-CHG", "2025-Q3", None, 25),
        ("M-ON", "2025-Q3", None, 110),
    ]  # fmt: skip
    assert [(o.target.id, str(o.quarter), o.spent) for o in funds.overspent] == [
        ("M-ON", "2025-Q3", 110)]  # fmt: skip
    budgets = {b.target.id: (b.old, b.new) for b in funds.budgets}
    assert budgets["M-ADD"][0] is None and budgets["M-ADD"][1].allocated == 40
    assert budgets["M-DROP"][1] is None and budgets["M-DROP"][0].allocated == 50
    assert (budgets["M-CHG"][0].allocated, budgets["M-CHG"][1].allocated) == (80, 100)
    # As of 2025-Q3: E = 3/8. M-ON: S = 1.1, F = 0.3; M-ADD: S = 0; M-CHG: S = 0.25.
    assert {f.assessment.target.id: f.flags for f in funds.flags_raised} == {
        "M-ON": ("spending_ahead_of_results", "overspent"), "M-ADD": ("funds_idle",)}  # fmt: skip


def test_spend_lag_is_the_threshold_of_the_new_flags(tmp_path):
    old, new = sides(tmp_path)
    funds = compare(old, new, reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG,
                    spend_lag=0.5).funds  # fmt: skip
    assert {f.assessment.target.id: f.flags for f in funds.flags_raised} == {
        "M-ON": ("spending_ahead_of_results", "overspent")}  # fmt: skip


def test_a_changed_spent_figure_is_also_a_correction(tmp_path):
    old, new = sides(tmp_path)
    changes = compare(old, new, reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG)
    assert [(c.target.id, str(c.quarter), c.fields) for c in changes.corrections] == [
        ("M-CHG", "2025-Q2", ("spent",))]  # fmt: skip
    assert "| spent: 30 → 25 |" in to_markdown(changes, "en")


def test_the_summary_words_the_money_with_amounts_and_shares(tmp_path):
    old, new = sides(tmp_path)
    text = to_markdown(compare(old, new, reporting_quarter=None,
                               at_risk_lag=DEFAULT_AT_RISK_LAG), "en")  # fmt: skip
    assert ("3 spending lines reported, 1 target newly overspent, 3 budgets added, changed "
            "or removed, 2 targets with new funds flags") in text  # fmt: skip
    lines = text.splitlines()
    assert "| `M-ON` | M-ON target | 2025-Q3 | HKD 110 million of HKD 100 million (110%) |" in lines
    assert "| `M-ON` | M-ON target | 2025-Q3 | HKD 110 million | 110% |" in lines
    assert (
        "| `M-CHG` | M-CHG target | 2025-Q2 | HKD 30 \\[m\\](x) → **HKD 25 \\[m\\](x)** | 25% |"
        in (lines)
    )
    assert "| `M-ADD` | M-ADD target | added: HKD 40 allocated |" in lines
    assert ("| `M-CHG` | M-CHG target | HKD 80 \\[m\\](x) allocated → **HKD 100 \\[m\\](x) "
            "allocated** (changed: allocated) |") in lines  # fmt: skip
    assert "| `M-DROP` | M-DROP target | **budget removed** (was HKD 50 allocated) |" in lines
    flags = next(line for line in lines if line.startswith("| `M-ON` | M-ON target | **"))
    assert flags.startswith(
        "| `M-ON` | M-ON target | **Spending ahead of results**, **Overspent** |"
    )
    assert "HKD 110 million of HKD 100 million spent by 2025-Q3 (110%)" in flags
    for title in ("Newly overspent", "New funds flags", "Budgets", "Spending reported"):
        assert f"### {title}" in lines
    # The budget is compared apart, not listed again as other edits.
    assert "`budget.allocated`" not in text


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, check=True, capture_output=True)


def test_the_changes_command_uses_the_spend_lag_setting(tmp_path, monkeypatch):
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    targets = register(tmp_path / "targets", OLD)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "old")
    register(targets, NEW)
    default = summarize(tmp_path, "main", targets, default_lang="en",
                        reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG)  # fmt: skip
    assert "| `M-ADD` | M-ADD target | **Funds idle** |" in default
    settings = Path(__file__).resolve().parent.parent / "pelicanconf.py"
    (tmp_path / "settings.py").write_text(
        f"exec(open({str(settings)!r}).read())\nTARGETS_PATH = {str(targets)!r}\n"
        f"PATH = {str(settings.parent / 'content')!r}\nTHEME = {str(settings.parent / 'theme')!r}\n"
        "SPEND_LAG = 0.5\n"
    )
    result = run(tmp_path, "changes", "--base", "main")
    assert result.returncode == 0, result.stderr
    assert "2 targets with new funds flags" not in result.stdout
    assert "1 target with new funds flags" in result.stdout
    assert "**Funds idle**" not in result.stdout
    lagged = summarize(tmp_path, "main", targets, default_lang="en", reporting_quarter=None,
                       at_risk_lag=DEFAULT_AT_RISK_LAG, spend_lag=0.5)  # fmt: skip
    assert lagged == result.stdout[:-1]


def test_an_unchanged_register_is_unchanged_with_budgets(tmp_path):
    old = load_register(register(tmp_path / "old", NEW), reporting_quarter=None, default_lang="en")
    changes = compare(old, old, reporting_quarter=Quarter(2025, 3), at_risk_lag=0.2)
    assert changes.unchanged and not changes.funds


def test_a_unit_translated_is_a_budget_change_that_says_so(tmp_path):
    budget = "budget: {{currency: HKD, allocated: 10, unit: {unit}}}\nprogress:\n" \
             "  - {{quarter: 2025-Q2, value: 20, spent: 2}}\n"  # fmt: skip
    old = register(tmp_path / "old", {"M-X": budget.format(unit="million")})
    new = register(tmp_path / "new", {"M-X": budget.format(unit="{en: million, zh-Hant: 百萬}")})
    changes = compare(
        load_register(old, reporting_quarter=None, default_lang="en"),
        load_register(new, reporting_quarter=None, default_lang="en"),
        reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG,
    )  # fmt: skip
    assert not changes.unchanged and not changes.funds.spending
    assert "| `M-X` | M-X target | HKD 10 million allocated → **HKD 10 million allocated** " \
           "(changed: unit) |" in to_markdown(changes, "en").splitlines()  # fmt: skip


def test_a_new_targets_spending_lines_are_not_listed_as_spending_reported(tmp_path):
    # Its progress is not listed as new progress either: the new target is the news.
    old, new = sides(tmp_path)
    added = {**NEW, "M-NEW": "budget: {currency: HKD, allocated: 10}\nprogress:\n"
             "  - {quarter: 2025-Q3, value: 10, spent: 4}\n"}  # fmt: skip
    new = load_register(register(tmp_path / "added", added), reporting_quarter=None,
                        default_lang="en")  # fmt: skip
    funds = compare(old, new, reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG).funds
    assert "M-NEW" not in {s.target.id for s in funds.spending}
