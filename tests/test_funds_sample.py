"""The sample register's funds flags, worked out by hand from REGISTER.md's words.

Independent of the generator: the sample files are read with ``yaml.safe_load`` only,
quarters are counted as plain integers, and every fraction is an exact ``Fraction`` of
the figures as typed, so "more than SPEND_LAG" is decided without float tolerance. Only
the built site (the ``sample_site`` fixture) comes from the generator, and its
``data/targets.json`` must carry exactly these flags and spend fractions.

The budget targets of the sample have no promise amendment (checked below), so their
status and flags are judged on the file's promise as it stands.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
import yaml

from tests.conftest import ROOT, SAMPLE_REGISTER

FUNDS_FLAGS = ("funds_idle", "spending_ahead_of_results", "overspent")
SETTLED = ("achieved", "achieved_late", "withdrawn")
RECORD_FLAGS = ("amended", "amended_without_reason")


def setting(name: str) -> str:
    """A setting's value as written in pelicanconf.py (read as text: no imports)."""
    found = re.search(rf"^{name} = (.+)$", (ROOT / "pelicanconf.py").read_text(), re.M)
    assert found, f"{name} is not set in pelicanconf.py"
    return found.group(1).strip()


def quarter(text: str) -> int:
    """'2026-Q3' as a count of quarters, so that R - start is a number of quarters."""
    year, q = str(text).split("-Q")
    return int(year) * 4 + int(q) - 1


def exact(number) -> Fraction:
    """A typed figure as an exact fraction: 57.5 is 115/2, not a binary float."""
    return Fraction(str(number))


def sample_targets() -> dict[str, dict]:
    files = sorted(SAMPLE_REGISTER.rglob("*.yaml"))
    targets = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in files]
    return {t["id"]: t for t in targets}


TARGETS = sample_targets()
# REPORTING_QUARTER is None in the sample's settings: R is the latest quarter of any entry.
R = max(quarter(e["quarter"]) for t in TARGETS.values() for e in t.get("progress", []))
SPEND_LAG = exact(setting("SPEND_LAG"))
AT_RISK_LAG = Fraction(1, 5)  # AT_RISK_LAG's default; pelicanconf.py does not change it


def entries_until_r(t: dict) -> list[dict]:
    return [e for e in t.get("progress", []) if quarter(e["quarter"]) <= R]


def expected_fraction(t: dict) -> Fraction:
    """E = (R - start) / (due - start), clamped to 0..1; 1 where due == start."""
    start = quarter(t["start"]) if "start" in t else quarter(f"{t['policy_address']}-Q4")
    due = quarter(t["due"])
    if due == start:
        return Fraction(1)
    return min(Fraction(1), max(Fraction(0), Fraction(R - start, due - start)))


def fraction_of(t: dict, entry: dict) -> Fraction:
    indicator = t.get("indicator")
    if indicator is None:
        return exact(entry["percent_complete"]) / 100
    baseline, target = exact(indicator["baseline"]), exact(indicator["target"])
    return (exact(entry["value"]) - baseline) / (target - baseline)


def progress_fraction(t: dict) -> Fraction:
    """F of the latest entry up to R; 0 with none."""
    entries = entries_until_r(t)
    return fraction_of(t, entries[-1]) if entries else Fraction(0)


def reached(t: dict, entry: dict) -> bool:
    indicator = t.get("indicator")
    if indicator is None:
        return exact(entry["percent_complete"]) >= 100
    value, target = exact(entry["value"]), exact(indicator["target"])
    if indicator.get("direction", "increase") == "decrease":
        return value <= target
    return value >= target


def status(t: dict) -> str:
    """The first rule of REGISTER.md's six that applies."""
    if "withdrawn" in t and quarter(t["withdrawn"]["quarter"]) <= R:
        return "withdrawn"
    first = next((quarter(e["quarter"]) for e in entries_until_r(t) if reached(t, e)), None)
    if first is not None:
        return "achieved" if first <= quarter(t["due"]) else "achieved_late"
    if quarter(t["due"]) <= R:
        return "missed"
    if expected_fraction(t) - progress_fraction(t) > AT_RISK_LAG:
        return "at_risk"
    return "on_track"


def spend_fraction(t: dict) -> Fraction | None:
    """S = the latest ``spent`` up to R / allocated; 0 with no entry, None without budget."""
    if "budget" not in t:
        return None
    spent = [e["spent"] for e in entries_until_r(t) if "spent" in e]
    return (exact(spent[-1]) if spent else Fraction(0)) / exact(t["budget"]["allocated"])


def funds_flags(t: dict) -> tuple[str, ...]:
    s = spend_fraction(t)
    if s is None or status(t) in SETTLED:
        return ()
    e, f = expected_fraction(t), progress_fraction(t)
    flags = {
        "funds_idle": e - s > SPEND_LAG,
        "spending_ahead_of_results": s - f > SPEND_LAG,
        "overspent": s > 1,
    }
    return tuple(name for name in FUNDS_FLAGS if flags[name])


def published(sample_site) -> dict[str, dict]:
    data = json.loads((sample_site / "data" / "targets.json").read_text(encoding="utf-8"))
    assert data["reporting_quarter"] == f"{R // 4}-Q{R % 4 + 1}"
    return {t["id"]: t for t in data["targets"]}


BUDGETED = sorted(i for i, t in TARGETS.items() if "budget" in t)


def test_the_sample_has_every_funds_case_to_show():
    assert len(BUDGETED) >= 20
    assert {TARGETS[i]["bureau"] for i in BUDGETED} == {t["bureau"] for t in TARGETS.values()}
    flags = [f for i in BUDGETED for f in funds_flags(TARGETS[i])]
    assert all(flags.count(name) >= 2 for name in FUNDS_FLAGS), flags
    assert {status(TARGETS[i]) for i in BUDGETED} >= {"achieved", "withdrawn", "missed"}
    assert any(
        spend_fraction(TARGETS[i]) > 1 and status(TARGETS[i]) == "achieved" for i in BUDGETED
    )
    assert any(not funds_flags(TARGETS[i]) and status(TARGETS[i]) == "on_track" for i in BUDGETED)
    # A budget with no spending line at all: S is 0, not "unknown".
    assert any(not any("spent" in e for e in TARGETS[i].get("progress", [])) for i in BUDGETED)


def test_budget_targets_have_no_amended_promise(sample_site):
    # Their status is then judged on the promise in the file, as computed here.
    site = published(sample_site)
    for target_id in BUDGETED:
        assert "amendments" not in TARGETS[target_id], target_id
        assert not set(site[target_id]["flags"]) & set(RECORD_FLAGS), target_id
        assert site[target_id]["status"] == status(TARGETS[target_id]), target_id


def test_every_sample_target_has_exactly_the_hand_computed_funds_flags(sample_site):
    site = published(sample_site)
    assert set(site) >= set(TARGETS)
    for target_id, t in TARGETS.items():
        got = tuple(f for f in site[target_id]["flags"] if f in FUNDS_FLAGS)
        assert got == funds_flags(t), target_id
    # A target shown from git only (removed from the register) has no budget: no money flag.
    for target_id in set(site) - set(TARGETS):
        assert not set(site[target_id]["flags"]) & set(FUNDS_FLAGS), target_id


def test_every_sample_target_publishes_its_hand_computed_money(sample_site):
    site = published(sample_site)
    for target_id, t in TARGETS.items():
        s, record = spend_fraction(t), site[target_id]
        if s is None:
            assert (record["budget_allocated"], record["spent"], record["spend_fraction"]) == (
                None, None, None,
            ), target_id  # fmt: skip
            continue
        assert record["budget_allocated"] == t["budget"]["allocated"], target_id
        assert exact(record["spent"]) == s * exact(t["budget"]["allocated"]), target_id
        # Rounded to 4 decimals in the JSON, as progress_fraction is.
        assert abs(exact(record["spend_fraction"]) - s) <= Fraction(1, 20000), target_id


# Worked by hand, R = 2026-Q3, SPEND_LAG = 0.20. E counts quarters from start (default Q4
# of the policy address year) to due; F = (value - baseline) / (target - baseline) of the
# latest entry up to R (or percent / 100); S = latest spent up to R / allocated.
HAND = [
    # missed: E = 1 (R past due 2025-Q4); F = (9300-11000)/(8500-11000) = 0.68;
    # S = 3950/3800 = 1.0395: S-F = 0.36 > 0.2, S > 1.
    ("PA2022-003", ("spending_ahead_of_results", "overspent"), "3950/3800"),
    # missed: E = 1; F = 97/100; S = 516/480 = 1.075: S-F = 0.105, only S > 1.
    ("PA2022-008", ("overspent",), "516/480"),
    # at_risk: E = 15/16 = 0.9375; F = (63-72)/(54-72) = 0.5; S = 4050/5200 = 0.7788 from
    # 2025-Q4 (2026-Q3 reports no spending): S-F = 0.279; E-S = 0.159.
    ("PA2022-011", ("spending_ahead_of_results",), "4050/5200"),
    # at_risk: E = 11/12 = 0.9167; F = 32/60 = 0.5333 (2026-Q2); S = 18900/18000 = 1.05:
    # S-F = 0.517, S > 1; E-S < 0.
    ("PA2023-002", ("spending_ahead_of_results", "overspent"), "18900/18000"),
    # missed: E = 1; F = 3900/5000 = 0.78; S = 405/900 = 0.45: E-S = 0.55.
    ("PA2023-005", ("funds_idle",), "405/900"),
    # at_risk: start 2025-Q1, due 2026-Q4: E = 6/7 = 0.857; F = (52-55)/(45-55) = 0.3;
    # S = 590/950 = 0.6211: E-S = 0.236 and S-F = 0.321, both.
    ("PA2024-002", ("funds_idle", "spending_ahead_of_results"), "590/950"),
    # on_track: E = 7/12 = 0.5833; F = (17-20)/(14-20) = 0.5; S = 210/700 = 0.3: E-S = 0.283.
    ("PA2024-007", ("funds_idle",), "210/700"),
    # missed milestone: E = 1; F = 0.70; S = 310/320 = 0.96875: S-F = 0.269.
    ("PA2024-008", ("spending_ahead_of_results",), "310/320"),
    # at_risk: E = 7/12 = 0.5833; F = (71-75)/(60-75) = 0.267; S = 560/2200 = 0.2545:
    # E-S = 0.329.
    ("PA2024-010", ("funds_idle",), "560/2200"),
    # at_risk, no entry at all: E = 5/8 (start 2025-Q2, due 2027-Q2); S = 0: E-S = 0.625.
    ("PA2024-015", ("funds_idle",), "0/380"),
    # on_track: E = 4/8 = 0.5 (start 2025-Q3, due 2027-Q3); S = 60/200 = 0.3: E-S is
    # exactly 0.2, not more; F = 1100/3000 = 0.367.
    ("PA2024-013", (), "60/200"),
    # on_track: E = 15/16 = 0.9375; F = 26000/30000 = 0.867; S = 39400/45000 = 0.876.
    ("PA2022-001", (), "39400/45000"),
    # achieved (96 >= 95 by due 2025-Q4): S = 168/150 = 1.12, but settled: no flag.
    ("PA2023-008", (), "168/150"),
    # achieved late (61 >= 60 in 2025-Q4 > due 2024-Q4): S = 2620/2400 = 1.092, no flag.
    ("PA2022-006", (), "2620/2400"),
    # withdrawn 2026-Q3: S = 1650/3300 = 0.5 (E-S would be 0.375): no flag.
    ("PA2024-012", (), "1650/3300"),
    # missed (232 < 250 by due 2026-Q2): E = 1; F = 232/250 = 0.928; S = 1105/1250 = 0.884.
    ("PA2024-014", (), "1105/1250"),
]


@pytest.mark.parametrize(("target_id", "flags", "share"), HAND, ids=[h[0] for h in HAND])
def test_named_targets_match_the_worked_examples(sample_site, target_id, flags, share):
    s = Fraction(share)
    assert (funds_flags(TARGETS[target_id]), spend_fraction(TARGETS[target_id])) == (flags, s)
    record = published(sample_site)[target_id]
    assert tuple(f for f in record["flags"] if f in FUNDS_FLAGS) == flags
    assert abs(exact(record["spend_fraction"]) - s) <= Fraction(1, 20000)


def spent_by_due(t: dict) -> int | float:
    """The latest ``spent`` in an entry up to the due quarter, as typed (0 with none)."""
    spent = [
        e["spent"]
        for e in t.get("progress", [])
        if quarter(e["quarter"]) <= quarter(t["due"]) and "spent" in e
    ]
    return spent[-1] if spent else 0


def test_each_missed_target_with_a_budget_says_what_was_spent_by_its_due_quarter(sample_site):
    site = published(sample_site)
    missed = [i for i in BUDGETED if status(TARGETS[i]) == "missed"]
    assert len(missed) >= 3
    for target_id in missed:
        t = TARGETS[target_id]
        page = (sample_site / site[target_id]["delay_url"]).read_text(encoding="utf-8")
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        money = text[text.index("By its due quarter") :][:200]
        # e.g. PA2024-014, due 2026-Q2: 1020 spent by then (1105 by R), of 1250.
        assert t["due"] in money, target_id
        assert f"HKD {spent_by_due(t):,} million" in money, target_id
        assert f"HKD {t['budget']['allocated']:,} million allocated" in money, target_id
    assert spent_by_due(TARGETS["PA2024-014"]) == 1020
