"""End to end: history, quarterly reports, feeds, corrections and open data in a built site."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import ROOT, build_site
from tests.sitecheck import broken_links, soup

HISTORY_REGISTER = ROOT / "tests" / "fixtures" / "transitions"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def history_site(tmp_path_factory):
    """The history fixture register built twice, to compare the two builds."""
    first = tmp_path_factory.mktemp("history") / "one"
    second = tmp_path_factory.mktemp("history") / "two"
    build_site(HISTORY_REGISTER, first)
    build_site(HISTORY_REGISTER, second)
    return first, second


def atom_ids(path) -> list[str]:
    """The entry ids of an Atom feed, checking it is well formed."""
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id") is not None and root.find(f"{ATOM}updated") is not None
    return [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]


def test_feeds_are_well_formed_with_unique_stable_ids(history_site):
    one, two = history_site
    feeds = sorted(p.relative_to(one) for p in (one / "feeds").rglob("*.xml"))
    assert len(feeds) >= 4
    for feed in feeds:
        ids = atom_ids(one / feed)
        assert len(ids) == len(set(ids)), feed
        assert ids == atom_ids(two / feed), feed
        assert (one / feed).read_bytes() == (two / feed).read_bytes()
    assert atom_ids(one / "feeds" / "status.xml"), "the history has status changes"
    assert atom_ids(one / "feeds" / "missed.xml"), "the history has newly missed targets"


def test_calendar_lists_upcoming_due_quarters(history_site):
    one, _ = history_site
    calendar = (one / "feeds" / "due.ics").read_bytes().decode("utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR\r\n")
    assert calendar.count("BEGIN:VEVENT") == calendar.count("END:VEVENT")


def test_every_target_has_a_timeline_and_history_in_its_data(history_site):
    one, _ = history_site
    data = json.loads((one / "data" / "targets.json").read_text())
    for record in data["targets"]:
        assert record["history"], record["id"]
        assert record["history"][-1]["status"] == record["status"]
        page = soup(one / record["url"])
        assert page.find("ol", class_="timeline") is not None, record["id"]
        document = json.loads((one / "data" / "targets" / f"{record['id']}.json").read_text())
        assert document["history"] == record["history"]


def test_quarterly_reports_are_linked_from_home(history_site):
    one, _ = history_site
    data = json.loads((one / "data" / "targets.json").read_text())
    latest = data["reporting_quarter"]
    home = soup(one / "index.html")
    assert home.find("a", href=f"./quarters/{latest}.html") is not None
    assert (one / "quarters" / "index.html").is_file()
    report = soup(one / "quarters" / f"{latest}.html")
    assert report.find(id="newly-missed") is not None


def test_performance_page_has_heat_maps_with_tables(history_site):
    one, _ = history_site
    page = soup(one / "performance.html")
    assert len(page.select("table.heat")) == 2
    for img in page.select("figure img"):
        assert (one / "performance.html").parent.joinpath(img["src"]).is_file()


def test_data_page_documents_files_that_exist(history_site):
    one, _ = history_site
    page = soup(one / "data" / "index.html")
    documented = [a["href"] for a in page.select("table.files a")]
    assert len(documented) >= 8
    for href in documented:
        assert (one / "data" / href).resolve().is_file(), href
    written = {p.relative_to(one).as_posix() for p in (one / "data").rglob("*") if p.is_file()}
    listed = {
        (one / "data" / h).resolve().relative_to(one.resolve()).as_posix() for h in documented
    }
    # Every kind of file under data/ is on the page (per-target files by one example).
    kinds = {w if not w.startswith("data/targets/") else "data/targets/*" for w in written}
    kinds.discard("data/index.html")
    listed_kinds = {k if not k.startswith("data/targets/") else "data/targets/*" for k in listed}
    assert kinds <= listed_kinds


def test_corrections_page_without_git_says_unavailable(history_site):
    one, _ = history_site
    text = soup(one / "corrections.html").get_text()
    # The fixture lives in the project's git checkout, so the log is read, not missing.
    assert "Corrections to published figures" in text


def test_no_broken_links(history_site):
    one, _ = history_site
    assert broken_links(one) == []


def test_feed_ids_name_the_feed_once(history_site):
    one, _ = history_site
    root = ET.fromstring((one / "feeds" / "status.xml").read_bytes())
    assert root.find(f"{ATOM}id").text == "tag:kpi-portal,2024:feeds/status"
    bureau = next((one / "feeds" / "bureaus").iterdir())
    root = ET.fromstring((bureau / "missed.xml").read_bytes())
    assert root.find(f"{ATOM}id").text == f"tag:kpi-portal,2024:feeds/bureaus/{bureau.name}/missed"
