"""End to end: the fixture register built into a real site, read back as HTML and JSON."""

from __future__ import annotations

import csv
import io
import json
import subprocess

from generator.assess.status import FUNDS_FLAGS, RECORD_FLAGS
from tests.conftest import ROOT
from tests.sitecheck import broken_links, pages, soup, statuses, targets_json

# Worked by hand from REGISTER.md; R = 2025-Q3 (latest progress quarter), lag 0.20.
EXPECTED = {
    "FX-ACH": ("achieved", ()),  # 4/4 centres in 2025-Q1 <= due 2025-Q2
    "FX-LATE": ("achieved_late", ()),  # milestone 100% in 2025-Q2 > due 2024-Q4
    "FX-MISS": ("missed", ("justification_missing",)),  # decrease 5.1 > 4 years; R > due
    "FX-DELAY": ("missed", ("not_reported",)),  # 18/30 km at due; revised 2025-Q4 > R
    "FX-RISK": ("at_risk", ("not_reported",)),  # expected 3/8 = .375, fraction .05
    "FX-ON": ("on_track", ()),  # expected .375, fraction (300-100)/400 = .5
    "FX-DROP": ("withdrawn", ()),  # withdrawn 2025-Q2 <= R
}


def test_published_statuses_match_hand_computed(fixture_site):
    assert statuses(fixture_site) == EXPECTED


def test_json_follows_the_contract(fixture_site):
    data = targets_json(fixture_site)
    assert data["reporting_quarter"] == "2025-Q3"
    ids = [t["id"] for t in data["targets"]]
    assert ids == sorted(EXPECTED)
    for record in data["targets"]:
        for field in ("id", "title", "bureau", "due", "status", "flags", "url"):
            assert field in record, (record["id"], field)
        assert isinstance(record["flags"], list)
        assert (fixture_site / record["url"]).is_file()
        assert ("delay_url" in record) == (record["status"] == "missed")
        if "delay_url" in record:
            assert (fixture_site / record["delay_url"]).is_file()
    by_id = {t["id"]: t for t in data["targets"]}
    assert by_id["FX-ACH"]["title"] == "Open 4 community health centres"
    assert by_id["FX-ACH"]["titles"]["zh-Hant"] == "開設四間社區健康中心"


def test_csv_has_the_same_rows(fixture_site):
    text = (fixture_site / "data" / "targets.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == sorted(EXPECTED)
    for row in rows:
        status, flags = EXPECTED[row["id"]]
        assert row["status"] == status
        assert tuple(sorted(filter(None, row["flags"].split(";")))) == flags


def test_one_page_per_target_and_delay_page_per_missed(fixture_site):
    target_pages = {p.stem for p in (fixture_site / "targets").glob("*.html")}
    target_pages -= {"index", "index-by-status"}  # the list of all targets, in both orders
    assert target_pages == set(EXPECTED)
    delay_pages = {p.stem for p in (fixture_site / "delays").glob("*.html")}
    assert delay_pages == {i for i, (s, _) in EXPECTED.items() if s == "missed"}


def test_delay_page_without_justification_says_so(fixture_site):
    page = soup(fixture_site / "delays" / "FX-MISS.html")
    alert = page.find(class_="alert-danger")
    assert alert is not None
    assert "No justification has been filed" in alert.get_text()
    assert "outstanding for 2 quarters" in " ".join(alert.get_text().split())
    text = " ".join(page.get_text().split())
    # Decrease target: baseline 6, target 4, 5.5 reached at due -> 1.5 short, 75% to go.
    assert "1.5 years short" in text
    assert "75% of the promised change was not delivered" in text


def test_delay_page_with_justification_shows_it(fixture_site):
    page = soup(fixture_site / "delays" / "FX-DELAY.html")
    text = " ".join(page.get_text().split())
    assert "worse than surveyed" in text
    assert "A second contractor started in 2025-Q3." in text
    assert "2025-Q4" in text and "2025-08-01" in text and "Secretary for Transport" in text
    assert "12 km short" in text  # 18 of 30 km at due
    assert "40% of the promised change was not delivered" in text
    assert page.find(class_="alert-danger") is None


def test_target_page_shows_the_record(fixture_site):
    page = soup(fixture_site / "targets" / "FX-DELAY.html")
    text = " ".join(page.get_text().split())
    assert "Build 30 km of cycle track" in text
    assert "Transport Bureau" in text and "2025-Q2" in text
    assert page.find(class_="badge-missed").get_text() == "Missed"
    assert "No update this quarter" in text
    assert page.find("a", href="../delays/FX-DELAY.html") is not None
    img = page.find("figure", class_="chart").find("img")
    assert img["src"] == "../charts/FX-DELAY.svg" and "18 km" in img["alt"]
    rows = page.find("table", class_="progress").find("tbody").find_all("tr")
    assert [r.th.get_text() for r in rows] == ["2025-Q2", "2025-Q1"]


def test_chart_is_static_svg(fixture_site):
    svg = (fixture_site / "charts" / "FX-DELAY.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<script" not in svg
    assert ">2025-Q2</text>" in svg and ">30</text>" in svg  # due quarter and target


def test_overdue_list_longest_first(fixture_site):
    page = soup(fixture_site / "overdue.html")
    rows = page.find("table", class_="overdue").find("tbody").find_all("tr")
    ids = [r.find(class_="muted").get_text() for r in rows]
    assert ids == ["FX-MISS", "FX-DELAY"]  # due 2025-Q1, then 2025-Q2
    assert "Not filed" in rows[0].get_text()
    assert (fixture_site / "theme" / "css" / "print.css").is_file()


def test_dashboard_counts_and_links(fixture_site):
    page = soup(fixture_site / "index.html")
    cards = {a["href"]: a.find(class_="count").get_text() for a in page.select(".status-cards a")}
    assert cards["./status/missed.html"] == "2"
    assert cards["./status/withdrawn.html"] == "1"
    assert "2025-Q3" in page.find(class_="quarter-strip").get_text()


def test_methodology_uses_the_lag_setting(fixture_site):
    text = soup(fixture_site / "pages" / "methodology.html").get_text()
    assert "20 percentage points" in text


def test_every_page_shows_reporting_quarter_and_sample_notice(fixture_site):
    for page in pages(fixture_site):
        html = soup(page)
        assert "2025-Q3" in html.find(class_="quarter-strip").get_text(), page
        assert html.find(class_="sample-banner") is not None, page


def test_no_broken_internal_links(fixture_site):
    assert broken_links(fixture_site) == []


def test_nothing_loaded_from_other_hosts(fixture_site):
    for page in pages(fixture_site):
        html = soup(page)
        scripts = [s["src"] for s in html.find_all("script")]
        # Only the search page has a script: the site's own, which runs the local index.
        search_page = page.name == "search.html"
        assert (
            scripts
            == (["../theme/js/search.js"] if "zh-hant" in page.parts else ["./theme/js/search.js"])
            if search_page
            else not scripts
        ), page
        for tag, attribute in (("link", "href"), ("img", "src")):
            for element in html.find_all(tag):
                assert "://" not in element[attribute], (page, element)


def test_sample_register_statuses_match_hand_computed(sample_site):
    from tests.sample_expected import HAND_COMPUTED

    published = statuses(sample_site)
    assert len(HAND_COMPUTED) >= 12
    # The record's flags need this repository's full history; a shallow clone must say the
    # record is unavailable, and then has none of them.
    available = record_available(sample_site)
    assert available == (not shallow_checkout()), "the record follows the clone's history"
    for target_id, (status, flags) in HAND_COMPUTED.items():
        expected = flags if available else [f for f in flags if f not in RECORD_FLAGS]
        # The funds flags are hand-computed for every target in tests/test_funds_sample.py.
        got_status, got_flags = published[target_id]
        got = (got_status, tuple(f for f in got_flags if f not in FUNDS_FLAGS))
        assert got == (status, tuple(sorted(expected))), target_id


def record_available(site) -> bool:
    return json.loads((site / "data" / "targets.json").read_text())["record_available"]


def shallow_checkout() -> bool:
    answer = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True
    )
    return answer.stdout.strip() == "true"


def test_sample_register_covers_every_status_and_flag(sample_site):
    from generator.assess.status import FLAGS, RECORD_FLAGS, STATUSES

    data = targets_json(sample_site)
    assert len(data["targets"]) >= 40
    assert {t["status"] for t in data["targets"]} == set(STATUSES)
    # The record's flags come from this repository's commits after RECORD_SINCE (an
    # amendment with its reason, one without, a removal): all of them, with full history.
    shown = set(FLAGS) if record_available(sample_site) else set(FLAGS) - set(RECORD_FLAGS)
    assert {f for t in data["targets"] for f in t["flags"]} == shown
    assert len({t["policy_address"] for t in data["targets"]}) >= 3


def test_sample_site_pages_and_links(sample_site):
    data = targets_json(sample_site)
    for record in data["targets"]:
        assert (sample_site / record["url"]).is_file()
        if record["status"] == "missed":
            page = soup(sample_site / record["delay_url"])
            text = page.get_text()
            assert "No justification has been filed" in text or "Reason for the delay" in text
    assert broken_links(sample_site) == []


def test_achieved_target_that_fell_back_says_so(sample_site):
    # PA2023-004: 88 minutes in 2025-Q2 met the 90-minute target by due; 96 in 2026-Q3.
    assert statuses(sample_site)["PA2023-004"][0] == "achieved"
    text = " ".join(soup(sample_site / "targets" / "PA2023-004.html").get_text().split())
    assert "The latest figure no longer meets the target: 96 minutes in 2026-Q3" in text


def test_briefing_pack_puts_each_missed_target_on_its_own_page(fixture_site):
    index = soup(fixture_site / "briefing" / "index.html")
    # The bureau's page in the row's header; its PDF pack (when made) in a cell of its own.
    links = {a.get_text(): a["href"] for a in index.select("table th a")}
    assert links == {
        "Housing Bureau": "../briefing/hob.html",
        "Transport Bureau": "../briefing/tb.html",
    }
    pack = soup(fixture_site / "briefing" / "hob.html")
    items = pack.select("section.briefing-item")
    assert [item["id"] for item in items] == ["FX-MISS"]
    assert "No justification has been filed" in items[0].get_text()
    print_css = (fixture_site / "theme" / "css" / "print.css").read_text()
    assert ".briefing-item { break-before: page;" in print_css


def test_target_page_marks_verified_and_self_reported_figures(fixture_site):
    rows = soup(fixture_site / "targets" / "FX-ACH.html").select("table.progress tbody tr")
    checks = [" ".join(r.find_all("td")[-1].get_text().split()) for r in rows]
    assert checks == ["Verified by Audit Office", "Self-reported"]


def test_dashboard_shows_how_latest_figures_are_backed(fixture_site):
    evidence = soup(fixture_site / "index.html").select_one(
        "section[aria-labelledby=evidence] table"
    )
    rows = {
        r.th.get_text(): [td.get_text() for td in r.find_all("td")]
        for r in evidence.tbody.find_all("tr")
    }
    # FX-ACH's latest figure (2025-Q1) is verified and has no source.
    assert rows["Health Bureau"] == ["1", "100% (1)", "0% (0)"]
    assert rows["Transport Bureau"] == ["1", "0% (0)", "0% (0)"]  # FX-DROP has none
