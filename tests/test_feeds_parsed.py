"""The sample site's Atom feeds and calendar, read back by real parsers (feedparser, icalendar).

Well-formed XML is not enough: a feed reader or a calendar app must find every entry with its
title, link and date, exactly as the site lists them.
"""

from __future__ import annotations

import json

import feedparser
import icalendar
import pytest


def _feeds(site):
    return sorted(site.rglob("feeds/**/*.xml"))


def test_every_feed_parses_without_error(sample_site):
    feeds = _feeds(sample_site)
    assert len(feeds) >= 4
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10", path
        assert parsed.feed.title and parsed.feed.id and parsed.feed.updated_parsed, path
        for entry in parsed.entries:
            assert entry.title.strip() and entry.id and entry.updated_parsed, (path, entry)
            assert entry.link, (path, entry.title)


def test_entry_ids_are_unique_within_each_feed(sample_site):
    for path in _feeds(sample_site):
        ids = [entry.id for entry in feedparser.parse(path.read_bytes()).entries]
        assert len(ids) == len(set(ids)), path


def test_missed_feed_links_to_delay_pages_of_missed_targets(sample_site):
    published = json.loads((sample_site / "data" / "targets.json").read_text(encoding="utf-8"))
    missed = {t["id"] for t in published["targets"] if t["status"] == "missed"}
    parsed = feedparser.parse((sample_site / "feeds" / "missed.xml").read_bytes())
    assert parsed.entries, "the sample has missed targets"
    linked = {entry.link.rsplit("/", 1)[-1].removesuffix(".html") for entry in parsed.entries}
    assert linked & missed
    # A target still missed links its delay page; one met late since has none: its page.
    for entry in parsed.entries:
        target_id = entry.link.rsplit("/", 1)[-1].removesuffix(".html")
        assert ("delays/" in entry.link) == (target_id in missed), entry.link
        assert (sample_site / "feeds" / entry.link).resolve().is_file(), entry.link
    assert linked - missed, "the sample has a target missed once and met late since"


def test_chinese_feeds_parse_and_carry_chinese_titles(sample_site):
    chinese = [p for p in _feeds(sample_site) if "zh-hant" in p.parts]
    for path in chinese:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, path
    titled = [
        e.title
        for p in chinese
        for e in feedparser.parse(p.read_bytes()).entries
        if any("\u4e00" <= ch <= "\u9fff" for ch in e.title)
    ]
    assert chinese and titled


@pytest.fixture(scope="module")
def calendar(sample_site):
    return icalendar.Calendar.from_ical((sample_site / "feeds" / "due.ics").read_bytes())


def test_calendar_parses_with_one_event_per_open_target_due_after_r(sample_site, calendar):
    published = json.loads((sample_site / "data" / "targets.json").read_text(encoding="utf-8"))
    events = [c for c in calendar.walk("VEVENT")]
    assert events
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    open_ids = {
        t["id"]
        for t in published["targets"]
        if t["status"] in ("on_track", "at_risk") and t["due"] > published["reporting_quarter"]
    }
    assert {uid.removesuffix("-due@kpi-portal") for uid in uids} == open_ids


def test_calendar_events_are_all_day_with_a_summary(calendar):
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        assert str(event["SUMMARY"]).strip()
        start = event.decoded("DTSTART")
        assert not hasattr(start, "hour"), "due dates are whole days"
        assert event["DTSTAMP"]
