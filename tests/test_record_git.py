"""The published record end to end: temporary git repositories, the real reader, and a
real build whose targets.json, per-target JSON and amendments.csv are read back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from generator.assess.corrections import corrections_log
from generator.assess.gitlog import NOT_IN_GIT, SHALLOW, SINCE_UNKNOWN, read_history
from generator.assess.record import build_record
from generator.register.errors import PortalError
from generator.register.quarters import Quarter
from tests.conftest import build_site
from tests.gitenv import commit, git, isolate

R = "2026-Q2"


@pytest.fixture(autouse=True)
def no_outside_git(monkeypatch):
    isolate(monkeypatch)


def target(tid: str, due="2025-Q4", goal=30, extra="", value=10) -> str:
    """A numeric target of the Housing Bureau: 0 -> ``goal`` sites, ``value`` in 2025-Q4."""
    return (
        f"id: {tid}\ntitle: Target {tid}\npolicy_address: 2024\nbureau: Housing Bureau\n"
        f"due: {due}\nindicator: {{unit: sites, baseline: 0, target: {goal}}}\n"
        f"progress:\n  - {{quarter: 2025-Q4, value: {value}}}\n"
        f"  - {{quarter: {R}, value: {value}}}\n{extra}"
    )


def amendment(fields: str, reason: str, correction: bool = False) -> str:
    return (
        f"amendments:\n  - date: 2026-03-01\n    fields: [{fields}]\n    reason: {reason}\n"
        f"    correction: {'true' if correction else 'false'}\n"
    )


DELAY = "delay:\n  reason: Flooding.\n  revised_due: 2026-Q4\n  measures: Pump it dry.\n"


def put(repo: Path, tid: str, text: str) -> None:
    path = repo / "targets" / f"{tid}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Publish seven missed targets, then move, lower, amend, correct, remove, replace, justify."""
    repo = tmp_path_factory.mktemp("record") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    put(repo, "PA-MOVE", target("PA-MOVE"))
    put(repo, "PA-LOW", target("PA-LOW"))
    put(repo, "PA-WHY", target("PA-WHY"))
    put(repo, "PA-FIX", target("PA-FIX", goal=300))  # a typo: 300 for 10
    put(repo, "PA-GONE", target("PA-GONE"))
    put(repo, "PA-OLD", target("PA-OLD"))
    put(repo, "PA-LATE", target("PA-LATE"))
    ids = {"publish": commit(repo, "publish", "2025-10-01")}
    put(repo, "PA-LATE", target("PA-LATE", extra=DELAY))  # in 2026-Q1, a quarter late
    ids["justify"] = commit(repo, "justify", "2026-02-10")
    put(repo, "PA-MOVE", target("PA-MOVE", due="2027-Q4"))
    put(repo, "PA-LOW", target("PA-LOW", goal=10))
    put(repo, "PA-WHY", target("PA-WHY", due="2027-Q4", extra=amendment("due", "Land **late**.")))
    put(repo, "PA-FIX", target("PA-FIX", goal=10, extra=amendment("indicator", "Typo", True)))
    (repo / "targets" / "PA-GONE.yaml").unlink()
    (repo / "targets" / "PA-OLD.yaml").unlink()
    put(repo, "PA-NEW", target("PA-NEW", due="2027-Q4", extra="replaces: PA-OLD\n"))
    ids["amend"] = commit(repo, "amend", "2026-04-20")
    return repo, ids


@pytest.fixture(scope="module")
def built(scenario, tmp_path_factory) -> dict:
    """The scenario built as a site: targets.json, per-target JSON, amendments.csv."""
    repo, _ = scenario
    output = tmp_path_factory.mktemp("record-site") / "site"
    build_site(repo / "targets", output, REPORTING_QUARTER=R, RECORD_SINCE=None)
    data = json.loads((output / "data" / "targets.json").read_text())
    return {
        "output": output,
        "json": data,
        "by_id": {t["id"]: t for t in data["targets"]},
        "csv": list(csv.DictReader(io.StringIO((output / "data/amendments.csv").read_text()))),
    }


def per_target(built: dict, tid: str) -> dict:
    return json.loads((built["output"] / "data" / "targets" / f"{tid}.json").read_text())


# --- the real build -----------------------------------------------------------------------------


def test_a_missed_target_whose_due_quarter_was_moved_stays_missed(built, scenario):
    _, ids = scenario
    moved = built["by_id"]["PA-MOVE"]
    assert built["json"]["record_available"] is True
    assert (moved["status"], moved["status_as_amended"]) == ("missed", "on_track")
    assert (moved["due"], moved["original_due"]) == ("2027-Q4", "2025-Q4")
    assert {"justification_missing", "amended", "amended_without_reason"} <= set(moved["flags"])
    assert moved["delay_url"] == "delays/PA-MOVE.html"
    assert (built["output"] / "delays" / "PA-MOVE.html").exists()
    (change,) = per_target(built, "PA-MOVE")["amendments"]
    assert change == {
        "id": "PA-MOVE", "field": "due", "old": "2025-Q4", "new": "2027-Q4",
        "date": "2026-04-20", "commit": ids["amend"], "reason": None, "approved_by": None,
        "decided": None, "correction": False,
    }  # fmt: skip
    # The history is against the original promise too: missed in every quarter since.
    assert [p["status"] for p in moved["history"] if p["quarter"] >= "2025-Q4"] == ["missed"] * 3


def test_a_lowered_target_level_is_an_amendment_and_the_status_keeps_the_original(built):
    low = built["by_id"]["PA-LOW"]
    assert (low["status"], low["status_as_amended"], low["target"]) == ("missed", "achieved", 10)
    assert [(a["field"], a["old"], a["new"]) for a in low["amendments"]] == [
        ("indicator.target", 30, 10)
    ]
    assert "amended_without_reason" in low["flags"]


def test_an_amendment_with_its_entry_has_its_reason(built):
    why = built["by_id"]["PA-WHY"]
    assert why["status"] == "missed" and "amended" in why["flags"]
    assert "amended_without_reason" not in why["flags"]
    (change,) = why["amendments"]
    assert (change["reason"], change["decided"]) == ("Land **late**.", "2026-03-01")


def test_a_clerical_correction_sets_the_status_and_is_listed_as_a_correction(built):
    fixed = built["by_id"]["PA-FIX"]
    assert (fixed["status"], fixed["status_as_amended"]) == ("achieved", "achieved")
    assert not {"amended", "amended_without_reason"} & set(fixed["flags"])
    (change,) = fixed["amendments"]
    assert (change["field"], change["old"], change["new"], change["correction"]) == (
        "indicator.target", 300, 10, True,
    )  # fmt: skip
    rows = {(r["id"], r["field"]): r for r in built["csv"]}
    assert rows["PA-FIX", "indicator.target"]["correction"] == "true"
    assert rows["PA-MOVE", "due"]["correction"] == "false"
    assert len(built["csv"]) == 4


def test_a_removed_target_stays_with_the_flag_removed(built, scenario):
    _, ids = scenario
    gone = built["by_id"]["PA-GONE"]
    assert gone["status"] == "missed" and "removed" in gone["flags"]
    assert gone["removed"] == "2026-04-20" and gone["url"] == "targets/PA-GONE.html"
    assert (built["output"] / "targets" / "PA-GONE.html").exists()
    assert per_target(built, "PA-GONE")["progress"][0]["value"] == 10


def test_a_replaced_target_stays_without_the_flag_and_says_what_replaced_it(built):
    old, new = built["by_id"]["PA-OLD"], built["by_id"]["PA-NEW"]
    assert "removed" not in old["flags"] and old["replaced_by"] == "PA-NEW"
    assert new["replaces"] == "PA-OLD" and new["original_due"] == "2027-Q4"
    assert (built["output"] / "targets" / "PA-OLD.html").exists()


def test_a_justification_filed_a_quarter_late_shows_in_the_history(built):
    late = built["by_id"]["PA-LATE"]
    assert late["justification_published"] == "2026-02-10"
    flags = {p["quarter"]: p["flags"] for p in late["history"]}
    assert "justification_missing" in flags["2025-Q4"]
    assert "justification_missing" not in flags["2026-Q1"]
    assert "justification_missing" not in late["flags"]


# --- the reader --------------------------------------------------------------------------------


def test_the_record_and_the_corrections_log_come_from_one_history(scenario):
    repo, ids = scenario
    history = read_history(repo / "targets", "en")
    assert history.available and [c.commit for c in history.commits] == list(ids.values())
    record = build_record(history)
    assert record.of("PA-GONE").removed.commit == ids["amend"]
    assert record.of("PA-LATE").justification_published.commit == ids["justify"]


def test_a_shallow_clone_has_no_record_and_no_corrections_log(scenario, tmp_path):
    repo, _ = scenario
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history = read_history(clone / "targets", "en")
    assert history.unavailable == SHALLOW and "git fetch --unshallow" in history.reason
    # Before, the log of a shallow clone was [] ("no figure has been changed").
    assert corrections_log(clone / "targets", "en") is None
    with pytest.raises(PortalError, match="REQUIRE_HISTORY.*git fetch --unshallow"):
        build_site(clone / "targets", tmp_path / "site", REQUIRE_HISTORY=True, RECORD_SINCE=None)
    assert not (tmp_path / "site").exists()


def test_a_shallow_clone_builds_with_the_record_unavailable(scenario, tmp_path):
    repo, _ = scenario
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    output = tmp_path / "site"
    build_site(clone / "targets", output, REPORTING_QUARTER=R, RECORD_SINCE=None)
    data = json.loads((output / "data" / "targets.json").read_text())
    assert data["record_available"] is False
    moved = next(t for t in data["targets"] if t["id"] == "PA-MOVE")
    assert moved["amendments"] is None and moved["original_due"] is None
    assert "PA-GONE" not in {t["id"] for t in data["targets"]}


def test_outside_git_the_record_is_unavailable(tmp_path):
    put(tmp_path, "PA-1", target("PA-1"))
    history = read_history(tmp_path / "targets", "en")
    assert history.unavailable == NOT_IN_GIT and not build_record(history).available


def test_record_since_a_commit_makes_earlier_commits_drafts(scenario):
    repo, ids = scenario
    record = build_record(read_history(repo / "targets", "en", ids["justify"][:12]))
    assert record.since.commit == ids["justify"] and record.since.date == "2026-02-10"
    late = record.of("PA-LATE")
    assert late.first_published.commit == ids["justify"]
    assert late.justification_published.commit == ids["justify"]
    assert record.of("PA-MOVE").original.due == Quarter(2025, 4)
    since_amend = build_record(read_history(repo / "targets", "en", ids["amend"]))
    assert since_amend.amendments() == [] and since_amend.of("PA-GONE") is None
    assert since_amend.of("PA-MOVE").original.due == Quarter(2027, 4)


def test_record_since_a_date_compares_commit_dates(scenario):
    repo, ids = scenario
    record = build_record(read_history(repo / "targets", "en", "2026-02-10"))
    # The commit of 2026-02-10 is not before that date: it is published, not a draft.
    assert record.since.commit == ids["publish"] and record.since.date == "2026-02-10"
    assert record.of("PA-LATE").justification_published.commit == ids["justify"]
    after = build_record(read_history(repo / "targets", "en", "2026-02-11"))
    assert after.of("PA-LATE").justification_published.date == "2026-02-11"
    assert len(after.amendments()) == 4


def test_record_since_an_unknown_commit_is_unavailable(scenario):
    repo, _ = scenario
    history = read_history(repo / "targets", "en", "0123456789abcdef")
    assert history.unavailable == SINCE_UNKNOWN and "RECORD_SINCE" in history.reason
    assert corrections_log(repo / "targets", "en", "0123456789abcdef") is None
