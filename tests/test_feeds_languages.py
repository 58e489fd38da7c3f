"""Feeds in each language: every Atom feed and the due-dates calendar is published under
each language's folder, in its words, linking to its pages; each page links its own
language's feeds (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import icalendar
import pytest

HAN = re.compile(r"[\u4e00-\u9fff]")
FEEDS = ("feeds/status.xml", "feeds/missed.xml")


def _parsed(site: Path, path: str):
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_is_published_in_chinese_in_chinese(sample_site, path):
    english, chinese = _parsed(sample_site, path), _parsed(sample_site, "zh-hant/" + path)
    assert chinese.feed.language == "zh-Hant" and english.feed.language == "en"
    assert HAN.search(chinese.feed.title) and not HAN.search(english.feed.title)
    # The same news, each entry in Chinese words, with an id of its own.
    assert len(chinese.entries) == len(english.entries) > 0
    for entry in chinese.entries:
        assert HAN.search(entry.title) and HAN.search(entry.summary), entry.title
    assert not {e.id for e in chinese.entries} & {e.id for e in english.entries}
    assert chinese.feed.id != english.feed.id


@pytest.mark.parametrize("path", FEEDS)
def test_a_chinese_feed_links_to_chinese_pages_that_exist(sample_site, path):
    feed_dir = (sample_site / "zh-hant" / path).parent
    parsed = _parsed(sample_site, "zh-hant/" + path)
    for entry in parsed.entries:
        target = (feed_dir / entry.link.split("#")[0]).resolve()
        assert target.is_relative_to((sample_site / "zh-hant").resolve()), entry.link
        assert target.is_file(), entry.link
    home = (feed_dir / parsed.feed.link).resolve()
    assert home == (sample_site / "zh-hant").resolve()


def test_the_english_feeds_stay_where_they_were_with_their_ids(sample_site):
    parsed = _parsed(sample_site, "feeds/missed.xml")
    assert parsed.feed.id == "tag:kpi-portal,2024:feeds/missed"
    ids = [e.id for e in parsed.entries]
    assert all(re.fullmatch(r"tag:kpi-portal,2024:[\w-]+/missed/\d{4}-Q\d", i) for i in ids)
    assert all(e.link.startswith(("../delays/", "../targets/")) for e in parsed.entries)


def test_each_bureau_has_its_feeds_in_chinese_too(sample_site):
    english = sorted(p.relative_to(sample_site) for p in (sample_site / "feeds").rglob("*.xml"))
    root = sample_site / "zh-hant"
    chinese = sorted(p.relative_to(root) for p in (root / "feeds").rglob("*.xml"))
    assert english == chinese and len(english) > 2
    bureau = next(p for p in chinese if "bureaus" in p.parts)
    parsed = _parsed(sample_site, f"zh-hant/{bureau}")
    assert HAN.search(parsed.feed.title)


def test_the_chinese_calendar_is_in_chinese_and_links_nowhere_without_a_site_address(sample_site):
    english = icalendar.Calendar.from_ical((sample_site / "feeds/due.ics").read_bytes())
    chinese = icalendar.Calendar.from_ical((sample_site / "zh-hant/feeds/due.ics").read_bytes())
    events = list(chinese.walk("VEVENT"))
    assert len(events) == len(list(english.walk("VEVENT"))) > 0
    for event in events:
        assert str(event["SUMMARY"]).startswith("到期：") and HAN.search(str(event["DESCRIPTION"]))
    uids = {str(e["UID"]) for e in events}
    assert not uids & {str(e["UID"]) for e in english.walk("VEVENT")}


def test_the_chinese_calendar_links_chinese_pages_under_the_site_address(tmp_path):
    from tests.conftest import SAMPLE_REGISTER, build_site

    output = tmp_path / "out"
    build_site(SAMPLE_REGISTER, output, SITEURL="https://kpi.example.gov.hk")
    chinese = icalendar.Calendar.from_ical((output / "zh-hant/feeds/due.ics").read_bytes())
    urls = [str(e["URL"]) for e in chinese.walk("VEVENT")]
    assert urls and all(u.startswith("https://kpi.example.gov.hk/zh-hant/targets/") for u in urls)
    parsed = feedparser.parse((output / "zh-hant/feeds/status.xml").read_bytes())
    links = [e.link for e in parsed.entries]
    assert links and all(u.startswith("https://kpi.example.gov.hk/zh-hant/") for u in links)


def _feed_links(page: str) -> list[str]:
    """The Atom feeds a page names in its head and the calendar it links."""
    head = page.split("</head>")[0]
    found = re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', head)
    return found + re.findall(r'href="([^"]*feeds/due\.ics)"', page)


@pytest.mark.parametrize("page", ["index.html", "targets/PA2022-003.html", "bureaus/hb.html"])
def test_each_page_links_the_feeds_of_its_own_language(sample_site, page):
    english = _feed_links((sample_site / page).read_text(encoding="utf-8"))
    chinese = _feed_links((sample_site / "zh-hant" / page).read_text(encoding="utf-8"))
    assert len(english) == len(chinese) == 3
    where = (sample_site / "zh-hant" / page).parent
    for link in chinese:
        assert (where / link).resolve().is_relative_to((sample_site / "zh-hant").resolve()), link
        assert (where / link).resolve().is_file(), link
    for link in english:
        assert "zh-hant" not in link and ((sample_site / page).parent / link).resolve().is_file()


def test_a_chinese_bureau_page_links_its_chinese_bureau_feeds(sample_site):
    page = (sample_site / "zh-hant/bureaus/hb.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*feeds/bureaus/[^"]+)"', page)
    assert links and all("zh-hant/feeds/bureaus/hb/" in link for link in links)
    for link in links:
        assert ((sample_site / "zh-hant/bureaus") / link).resolve().is_file(), link
