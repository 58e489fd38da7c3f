"""The published record on the site, in both languages: real builds of temporary git
repositories whose pages, feeds and reports are read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import build_site
from tests.gitenv import commit, git, isolate
from tests.sitecheck import broken_links, pages, soup

R = "2026-Q2"
ZH = "zh-hant"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def no_outside_git(monkeypatch):
    isolate(monkeypatch)


def target(tid: str, due="2025-Q4", goal=30, extra="", bureau="Housing Bureau") -> str:
    """A numeric target: 0 -> ``goal`` sites, 10 reported in 2025-Q4 and in R."""
    return (
        f"id: {tid}\ntitle:\n  en: Target {tid}\n  zh-Hant: 目標 {tid}\npolicy_address: 2024\n"
        f"bureau: {bureau}\ndue: {due}\nindicator: {{unit: sites, baseline: 0, target: {goal}}}\n"
        f"progress:\n  - {{quarter: 2025-Q4, value: 10}}\n  - {{quarter: {R}, value: 10}}\n"
        f"{extra}"
    )


def amendment(fields: str, reason: str, correction: bool = False, by: str = "Paper 123") -> str:
    return (
        f"amendments:\n  - date: 2026-03-01\n    fields: [{fields}]\n    reason: {reason}\n"
        f"    approved_by: {by}\n"
        f"    correction: {'true' if correction else 'false'}\n"
    )


DELAY = "delay:\n  reason: Flooding.\n  revised_due: 2026-Q4\n  measures: Pump it dry.\n"
HOSTILE = "'Land **late** <script>alert(1)</script>.'"
BY = "'<img src=x onerror=alert(1)> & Panel'"


def put(repo: Path, tid: str, text: str) -> None:
    path = repo / "targets" / f"{tid}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Publish missed targets of two bureaus; then justify one late, and in one commit move
    a due quarter without a reason, move one with a reason, correct a typo, remove one
    target and replace another."""
    repo = tmp_path_factory.mktemp("record-site") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for tid in ("PA-MOVE", "PA-WHY", "PA-GONE", "PA-OLD", "PA-LATE"):
        put(repo, tid, target(tid))
    put(repo, "PA-FIX", target("PA-FIX", goal=300))  # a typo: 300 for 10
    put(repo, "PA-TB", target("PA-TB", bureau="Transport Bureau"))
    ids = {"publish": commit(repo, "publish", "2025-10-01")}
    put(repo, "PA-LATE", target("PA-LATE", extra=DELAY))  # in 2026-Q1, a quarter late
    ids["justify"] = commit(repo, "justify", "2026-02-10")
    put(repo, "PA-MOVE", target("PA-MOVE", due="2027-Q4"))
    put(repo, "PA-WHY", target("PA-WHY", due="2027-Q4", extra=amendment("due", HOSTILE, by=BY)))
    put(repo, "PA-FIX", target("PA-FIX", goal=10, extra=amendment("indicator", "Typo", True)))
    (repo / "targets" / "PA-GONE.yaml").unlink()
    (repo / "targets" / "PA-OLD.yaml").unlink()
    put(repo, "PA-NEW", target("PA-NEW", due="2027-Q4", extra="replaces: PA-OLD\n"))
    ids["amend"] = commit(repo, "amend", "2026-04-20")
    return repo, ids


@pytest.fixture(scope="module")
def site(scenario, tmp_path_factory) -> Path:
    repo, _ = scenario
    output = tmp_path_factory.mktemp("record-site-out") / "site"
    build_site(repo / "targets", output, REPORTING_QUARTER=R, RECORD_SINCE=None)
    return output


@pytest.fixture(scope="module")
def shallow_site(scenario, tmp_path_factory) -> Path:
    """The scenario built from ``git clone --depth 1``: the record is unavailable."""
    repo, _ = scenario
    work = tmp_path_factory.mktemp("record-shallow")
    clone = work / "clone"
    git(work, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    output = work / "site"
    build_site(clone / "targets", output, REPORTING_QUARTER=R, RECORD_SINCE=None)
    return output


def text(path: Path, selector: str = "main") -> str:
    """The words of one part of a page, whitespace folded."""
    found = soup(path).select_one(selector)
    assert found is not None, f"{selector} not in {path}"
    return " ".join(found.get_text(" ").split())


def short(ids: dict[str, str], name: str) -> str:
    return ids[name][:10]


# --- the target page ---------------------------------------------------------------------------


def test_a_missed_target_whose_due_was_moved_shows_the_original_promise_and_the_amendment(
    site, scenario
):
    _, ids = scenario
    page = text(site / "targets" / "PA-MOVE.html")
    assert "Missed as of 2026-Q2" in page
    assert "As amended: On track" in page
    assert "Promised 30 sites by 2025-Q4 (from a baseline of 0 sites)" in page
    assert "As amended 30 sites by 2027-Q4" in page
    assert "First published on 1 October 2025 (commit " + short(ids, "publish") + ")" in page
    amend = short(ids, "amend")
    assert f"Due date moved from 2025-Q4 to 2027-Q4 on 20 April 2026 (commit {amend})." in page
    assert "No reason recorded." in page
    assert "Amended after publication." in page and "Amended without a reason." in page
    status = text(site / "targets" / "PA-MOVE.html", ".status-box")
    assert ". ." not in status  # every flag has its words


def test_the_target_page_in_chinese_shows_the_amendment(site, scenario):
    _, ids = scenario
    page = text(site / ZH / "targets" / "PA-MOVE.html")
    amend = short(ids, "amend")
    assert f"限期由2025-Q4改為2027-Q4（2026年4月20日，變更編號 {amend}）。" in page
    assert "沒有記錄理由。" in page
    assert "按修訂後的承諾：進度正常" in page
    assert "Due date moved" not in page and "No reason recorded" not in page


def test_an_amendment_with_its_reason_shows_the_reason_escaped(site, scenario):
    _, ids = scenario
    path = site / "targets" / "PA-WHY.html"
    page = text(path)
    amend = short(ids, "amend")
    assert f"Due date moved from 2025-Q4 to 2027-Q4 on 20 April 2026 (commit {amend})." in page
    by = "<img src=x onerror=alert(1)> & Panel"
    assert f"Reason (decided on 1 March 2026, approved by {by}):" in page
    assert "Land late" in page and "No reason recorded" not in page
    for html in (path.read_text(encoding="utf-8"), (site / "amendments.html").read_text()):
        assert "<script>alert" not in html and "<strong>late</strong>" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; Panel" in html


def test_a_correction_is_shown_as_one_and_the_status_uses_the_corrected_promise(site, scenario):
    _, ids = scenario
    page = text(site / "targets" / "PA-FIX.html")
    assert "Achieved as of 2026-Q2" in page and "As amended" not in page
    assert "Promised 10 sites by 2025-Q4" in page
    assert (
        f"Target level changed from 300 to 10 on 20 April 2026 (commit {short(ids, 'amend')})."
        " Correction of a clerical error in the promise as first published." in page
    )
    assert "Amended after publication." not in page


def test_a_target_never_amended_says_so_with_its_first_publication(site, scenario):
    _, ids = scenario
    page = text(site / "targets" / "PA-TB.html")
    assert (
        "The promise has not been changed since it was first published on 1 October 2025 "
        f"(commit {short(ids, 'publish')})." in page
    )


# --- the amendments page, the home page and the performance page --------------------------------


def rows(path: Path, selector: str) -> list[list[str]]:
    found = soup(path).select(f"{selector} tbody tr")
    return [[" ".join(c.get_text(" ").split()) for c in r.find_all(["th", "td"])] for r in found]


def test_the_amendments_page_lists_every_change_newest_first(site, scenario):
    _, ids = scenario
    listed = rows(site / "amendments.html", "table.amendments")
    amend = short(ids, "amend")
    assert [r[1].split()[0] for r in listed] == ["PA-FIX", "PA-MOVE", "PA-WHY"]
    fix, move, why = listed
    assert move == [
        "20 April 2026", "PA-MOVE Target PA-MOVE", "Due date", "2025-Q4 → 2027-Q4", amend,
        "No reason recorded", "No",
    ]  # fmt: skip
    assert why[5].startswith("Land late") and why[6] == "No"
    assert fix[2:4] == ["Target level", "300 → 10"] and fix[6] == "Yes"
    page = text(site / "amendments.html")
    assert "Promises changed after publication" in page


def test_the_amendments_page_in_chinese(site, scenario):
    _, ids = scenario
    listed = rows(site / ZH / "amendments.html", "table.amendments")
    move = listed[1]
    assert move[0] == "2026年4月20日" and move[2] == "限期" and move[5] == "沒有記錄理由"
    assert move[4] == short(ids, "amend")


def counts(path: Path) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in rows(path, "table.amendment-counts")}


def test_the_home_and_performance_pages_count_amendments_per_bureau(site):
    for path in (site / "index.html", site / "performance.html"):
        # Amended (not corrections), of which without a reason, and corrections.
        assert counts(path) == {
            "Housing Bureau": ["2", "1", "1"],
            "Transport Bureau": ["0", "0", "0"],
        }
    assert counts(site / ZH / "index.html")["房屋局"] == ["2", "1", "1"]
    assert "amendments.html" in {
        a["href"].rsplit("/", 1)[-1] for a in soup(site / "index.html").select("a")
    }


# --- removed and replaced targets --------------------------------------------------------------


def test_a_removed_target_keeps_its_page_marked_with_the_date_and_commit(site, scenario):
    _, ids = scenario
    amend = short(ids, "amend")
    english = (
        f"Removed from the register without being withdrawn on 20 April 2026 (commit {amend})."
    )
    chinese = f"2026年4月20日（變更編號 {amend}）從登記冊刪除，但從未撤回。"
    for lang, words in (("", english), (ZH, chinese)):
        assert words in text(site / lang / "targets" / "PA-GONE.html")


def test_a_removed_target_is_listed_on_the_report_of_the_quarter_it_vanished_in(site):
    removed = text(site / "quarters" / "2026-Q2.html", "#removed + ul")
    assert "PA-GONE" in removed and "removed from the register without being withdrawn" in removed
    assert "PA-OLD" in removed and "replaced by PA-NEW" in removed
    assert "PA-GONE" not in text(site / "quarters" / "2026-Q1.html", "#removed + *")
    assert "PA-GONE" in text(site / ZH / "quarters" / "2026-Q2.html", "#removed + ul")


def test_the_report_of_a_quarter_lists_the_promises_changed_in_it(site, scenario):
    _, ids = scenario
    changed = text(site / "quarters" / "2026-Q2.html", "#amended + ul")
    amend = short(ids, "amend")
    assert f"PA-MOVE Due date moved from 2025-Q4 to 2027-Q4 on 20 April 2026 (commit {amend})." in (
        changed
    )
    assert "No reason recorded." in changed and "Land late" in changed
    assert "No published promise was changed this quarter." in text(site / "quarters/2026-Q1.html")
    assert "限期由2025-Q4改為2027-Q4" in text(site / ZH / "quarters" / "2026-Q2.html")


def test_a_replacement_links_both_ways(site):
    old = soup(site / "targets" / "PA-OLD.html")
    assert "Replaced by PA-NEW" in " ".join(old.select_one("main").get_text(" ").split())
    assert old.select_one("a[href$='targets/PA-NEW.html']") is not None
    new = soup(site / "targets" / "PA-NEW.html")
    assert "Replaces PA-OLD" in " ".join(new.select_one("main").get_text(" ").split())
    assert new.select_one("a[href$='targets/PA-OLD.html']") is not None
    assert "without being withdrawn" not in text(site / "targets" / "PA-OLD.html")


# --- justification dates -----------------------------------------------------------------------


def test_a_justification_filed_late_shows_when_it_was_published(site, scenario):
    _, ids = scenario
    words = f"Justification first published on 10 February 2026 (commit {short(ids, 'justify')})"
    assert words in text(site / "delays" / "PA-LATE.html")
    history = soup(site / "targets" / "PA-LATE.html").select("ol.timeline li")
    lines = [" ".join(li.get_text(" ").split()) for li in history]
    assert any(
        line.startswith("2025-Q4 Missed") and "No justification filed" in line for line in lines
    )
    # The justification was published in 2026-Q1: that quarter's row says so.
    assert any(line.startswith("2026-Q1 Missed") and words in line for line in lines)
    zh = text(site / ZH / "delays" / "PA-LATE.html")
    assert f"2026年2月10日（變更編號 {short(ids, 'justify')}）首次公布延誤解釋" in zh


def test_the_delay_page_measures_against_the_original_due(site):
    page = text(site / "delays" / "PA-MOVE.html")
    assert "This target fell due in 2025-Q4" in page and "fell due in 2027-Q4" not in page


def test_lists_show_the_due_quarter_the_status_is_judged_on(site):
    overdue = {r[0].split()[-1]: r[2] for r in rows(site / "overdue.html", "table.overdue")}
    assert overdue["PA-MOVE"] == "2025-Q4 (moved to 2027-Q4)"
    listing = {r[0].split()[-1]: r[2] for r in rows(site / "targets" / "index.html", "table")}
    assert listing["PA-MOVE"] == "2025-Q4 (moved to 2027-Q4)" and listing["PA-TB"] == "2025-Q4"
    missed = [" ".join(li.get_text(" ").split()) for li in soup(site / "index.html").select(
        ".missed-list li")]  # fmt: skip
    assert any("PA-MOVE" in line and "due 2025-Q4" in line for line in missed)
    assert "2025-Q4 （已改為2027-Q4）" in text(site / ZH / "overdue.html")


def test_a_missed_target_whose_due_was_moved_is_not_upcoming_in_the_calendar(site):
    calendar = (site / "feeds" / "due.ics").read_text(encoding="utf-8")
    assert "UID:PA-MOVE-due@" not in calendar and "UID:PA-NEW-due@" in calendar


# --- the feed ----------------------------------------------------------------------------------


def entries(path: Path) -> dict[str, dict[str, str]]:
    root = ET.parse(path).getroot()
    return {
        e.findtext(f"{ATOM}id"): {
            "title": e.findtext(f"{ATOM}title"),
            "updated": e.findtext(f"{ATOM}updated"),
            "summary": e.findtext(f"{ATOM}summary"),
        }
        for e in root.iter(f"{ATOM}entry")
    }


def test_the_status_feed_carries_amendments_and_removals(site, scenario):
    _, ids = scenario
    found = entries(site / "feeds" / "status.xml")
    moved = found[f"tag:kpi-portal,2024:PA-MOVE/amended/{ids['amend']}/due"]
    assert moved["updated"] == "2026-04-20T00:00:00Z"
    assert "Due date moved from 2025-Q4 to 2027-Q4" in moved["summary"]
    assert "No reason recorded" in moved["summary"]
    gone = found[f"tag:kpi-portal,2024:PA-GONE/removed/{ids['amend']}"]
    assert (
        gone["updated"] == "2026-04-20T00:00:00Z" and "without being withdrawn" in gone["summary"]
    )
    bureau = entries(site / "feeds" / "bureaus" / "hob" / "status.xml")
    assert f"tag:kpi-portal,2024:PA-MOVE/amended/{ids['amend']}/due" in bureau
    transport = entries(site / "feeds" / "bureaus" / "tb" / "status.xml")
    assert not any("/amended/" in i or "/removed/" in i for i in transport)


def test_the_record_pages_have_no_broken_links(site):
    assert broken_links(site) == []


def test_a_history_with_no_amendment_says_no_promise_was_changed(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    put(repo, "PA-TB", target("PA-TB", bureau="Transport Bureau"))
    commit(repo, "publish", "2025-10-01")
    output = tmp_path / "site"
    build_site(repo / "targets", output, REPORTING_QUARTER=R, RECORD_SINCE=None)
    assert NOTHING_CHANGED[2] in text(output / "amendments.html")
    assert "没有" not in text(output / ZH / "amendments.html")  # Traditional, not Simplified
    assert "沒有已公布的承諾曾被修改。" in text(output / ZH / "amendments.html")
    assert counts(output / "index.html") == {"Transport Bureau": ["0", "0", "0"]}


# --- without the history -----------------------------------------------------------------------

NOTHING_CHANGED = (
    "No published figure or note has been changed",
    "has not been changed since",
    "No published promise has been changed",
)


DEPENDENT_PAGES = (
    "amendments.html", "corrections.html", "index.html", "performance.html",
    "targets/PA-MOVE.html", "quarters/2026-Q2.html", "delays/PA-LATE.html",
)  # fmt: skip


def test_a_shallow_clone_says_the_record_is_unavailable_everywhere(shallow_site):
    why = "a partial copy of the register's version history (a shallow clone)"
    for lang in ("", ZH):
        for name in DEPENDENT_PAGES:
            page = text(shallow_site / lang / name)
            assert "unavailable" in page or "未能提供" in page, f"{lang}{name}"
    for name in ("amendments.html", "corrections.html", "targets/PA-MOVE.html"):
        assert why in text(shallow_site / name), name
    assert "淺層複製" in text(shallow_site / ZH / "amendments.html")
    # The status itself depends on the record: its box says what it was judged against.
    status = text(shallow_site / "targets" / "PA-MOVE.html", ".status-box")
    assert "On track" in status and "the record is unavailable" in status


def test_nothing_in_a_shallow_clone_says_that_nothing_changed(shallow_site, site):
    # The full build does say so where it is true: the words are the site's own.
    assert NOTHING_CHANGED[0] in text(site / "corrections.html")
    assert NOTHING_CHANGED[1] in text(site / "targets" / "PA-TB.html")
    for page in pages(shallow_site):
        words = " ".join(soup(page).get_text(" ").split())
        for phrase in NOTHING_CHANGED:
            assert phrase not in words, f"{page.relative_to(shallow_site)}: {phrase}"
