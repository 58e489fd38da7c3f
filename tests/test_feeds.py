"""Atom feeds and the iCalendar of due dates (generator/feeds.py), on hand-made histories."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.register.model import Delay, Indicator, Target
from generator.register.quarters import Quarter
from generator.site import feeds
from generator.site.duecalendar import fold_line, ical_escape, last_day, upcoming_due_calendar
from generator.site.feeds import (
    FeedEntry,
    atom_feed,
    feed_id,
    newly_missed_entries,
    quarter_published,
    status_change_entries,
)

try:
    from generator.assess.history import StatusPoint
except ImportError:  # history.py has not landed yet: a stand-in of the same shape

    @dataclass(frozen=True)
    class StatusPoint:
        quarter: Quarter
        status: str
        flags: tuple[str, ...]


ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "Open <script>alert(\"x\")</script> & 'co'\x07\x00\x1b\nsecond line\r\n"


def Q(text: str) -> Quarter:
    return Quarter.parse(text)


def make(
    target_id: str = "PA2023-004",
    *,
    title: str = "Open 30 community sites",
    bureau: str = "Housing Bureau",
    due: str = "2025-Q3",
    delay: Delay | None = None,
) -> Target:
    return Target(
        id=target_id,
        title={"en": title, "zh-Hant": "開設三十個社區站"},
        policy_address=2023,
        bureau=bureau,
        due=Q(due),
        start=Q("2023-Q4"),
        indicator=Indicator(unit={"en": "sites"}, baseline=0, target=30),
        delay=delay,
    )


def history(first: str, *statuses: str) -> tuple[StatusPoint, ...]:
    """One point per quarter from ``first``, oldest first."""
    start = Q(first)
    return tuple(StatusPoint(start.shift(i), s, ()) for i, s in enumerate(statuses))


def sample() -> tuple[list[Target], dict[str, tuple[StatusPoint, ...]]]:
    targets = [
        make("PA2023-004"),
        make("PA2023-001", title="Cut waiting times", bureau="Health Bureau", due="2025-Q2"),
        make("PA2023-009", title="Steady", due="2026-Q4"),
    ]
    histories = {
        "PA2023-004": history("2025-Q1", "on_track", "at_risk", "at_risk", "missed"),
        "PA2023-001": history("2025-Q1", "on_track", "missed", "missed", "missed"),
        "PA2023-009": history("2025-Q1", "on_track", "on_track", "on_track", "on_track"),
    }
    return targets, histories


def parse_atom(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    return root


def entry_links(root: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")]


# quarter_published and feed_id ------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "instant"),
    [
        ("2025-Q1", "2025-04-01T00:00:00Z"),
        ("2025-Q2", "2025-07-01T00:00:00Z"),
        ("2025-Q3", "2025-10-01T00:00:00Z"),
        ("2025-Q4", "2026-01-01T00:00:00Z"),
    ],
)
def test_quarter_published_is_the_day_after_the_quarter(quarter, instant):
    assert quarter_published(Q(quarter)) == instant


def test_feed_id_is_a_tag_uri_without_the_site_address():
    assert feed_id("status") == "tag:kpi-portal,2024:feeds/status"
    assert feed_id("bureaus/housing-bureau/missed").startswith("tag:kpi-portal,2024:feeds/")
    assert " " not in feed_id("a b")


# status changes ------------------------------------------------------------------------


def test_one_status_entry_per_change_and_none_for_unchanged_quarters():
    targets, histories = sample()
    entries = status_change_entries(targets, histories, lang="en")
    assert [e.id for e in entries] == [
        "tag:kpi-portal,2024:PA2023-004/status/2025-Q4",
        "tag:kpi-portal,2024:PA2023-001/status/2025-Q2",
        "tag:kpi-portal,2024:PA2023-004/status/2025-Q2",
    ]
    first = entries[0]
    assert first.title == "PA2023-004 is now missed (was at risk)"
    assert first.link == "targets/PA2023-004.html"
    assert first.updated == "2026-01-01T00:00:00Z"
    assert "Open 30 community sites" in first.summary and "Housing Bureau" in first.summary
    assert entries[1].title == "PA2023-001 is now missed (was on track)"
    assert entries[2].title == "PA2023-004 is now at risk (was on track)"


def test_first_point_of_a_history_is_not_a_change():
    target = make()
    assert (
        status_change_entries([target], {target.id: history("2025-Q1", "missed")}, lang="en") == []
    )
    assert status_change_entries([target], {}, lang="en") == []


def test_status_entries_newest_first_then_by_id():
    targets = [make("B-1"), make("A-1"), make("C-1")]
    histories = {
        "B-1": history("2025-Q1", "on_track", "at_risk"),
        "A-1": history("2025-Q1", "on_track", "at_risk"),
        "C-1": history("2025-Q1", "at_risk", "on_track", "at_risk"),
    }
    entries = status_change_entries(targets, histories, lang="en")
    assert [e.id.removeprefix("tag:kpi-portal,2024:") for e in entries] == [
        "C-1/status/2025-Q3",
        "A-1/status/2025-Q2",
        "B-1/status/2025-Q2",
        "C-1/status/2025-Q2",
    ]


def test_status_entries_use_the_requested_language():
    target = make()
    histories = {target.id: history("2025-Q1", "on_track", "at_risk")}
    (entry,) = status_change_entries([target], histories, lang="zh-Hant")
    assert "開設三十個社區站" in entry.summary


# newly missed ---------------------------------------------------------------------------


def test_newly_missed_entries_link_to_the_delay_page():
    targets, histories = sample()
    entries = newly_missed_entries(targets, histories, lang="en")
    assert [e.id for e in entries] == [
        "tag:kpi-portal,2024:PA2023-004/missed/2025-Q4",
        "tag:kpi-portal,2024:PA2023-001/missed/2025-Q2",
    ]
    assert entries[0].link == "delays/PA2023-004.html"
    assert entries[0].updated == "2026-01-01T00:00:00Z"
    assert entries[0].title == "PA2023-004 missed its target (due 2025-Q3)"


def test_newly_missed_summary_says_whether_a_justification_is_filed():
    delay = Delay(reason="Supply chain", revised_due=Q("2026-Q2"), measures="More crews")
    targets = [make("J-1", delay=delay), make("N-1")]
    histories = {t.id: history("2025-Q2", "at_risk", "missed") for t in targets}
    by_id = {e.link: e.summary for e in newly_missed_entries(targets, histories, lang="en")}
    assert "has been filed" in by_id["delays/J-1.html"]
    assert "2026-Q2" in by_id["delays/J-1.html"]
    assert "No delay justification has been filed" in by_id["delays/N-1.html"]


def test_missed_again_after_leaving_missed_is_a_new_entry():
    target = make()
    points = history("2025-Q1", "missed", "missed", "withdrawn", "missed")
    entries = newly_missed_entries([target], {target.id: points}, lang="en")
    assert [e.id.rsplit("/", 1)[-1] for e in entries] == ["2025-Q4", "2025-Q1"]


def test_ids_are_stable_and_unique():
    targets, histories = sample()
    first = status_change_entries(targets, histories, lang="en") + newly_missed_entries(
        targets, histories, lang="en"
    )
    second = status_change_entries(targets, histories, lang="en") + newly_missed_entries(
        targets, histories, lang="en"
    )
    assert first == second
    ids = [e.id for e in first]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("tag:kpi-portal,2024:") and "http" not in i for i in ids)


# Atom ------------------------------------------------------------------------------------


def feed_of(entries, **overrides) -> str:
    options = {
        "feed_id": feed_id("status"),
        "title": "Status changes",
        "self_path": "feeds/status.xml",
        "site_url": "",
        "lang": "en",
    }
    return atom_feed(entries, **(options | overrides))


def test_atom_has_the_required_elements():
    targets, histories = sample()
    entries = status_change_entries(targets, histories, lang="en") + newly_missed_entries(
        targets, histories, lang="en"
    )
    root = parse_atom(feed_of(entries))
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}id").text == "tag:kpi-portal,2024:feeds/status"
    assert root.find(f"{ATOM}author/{ATOM}name").text
    rels = {link.get("rel") for link in root.findall(f"{ATOM}link")}
    assert rels == {"self", "alternate"}
    items = root.findall(f"{ATOM}entry")
    assert len(items) == len(entries)
    for item in items:
        for name in ("id", "title", "updated", "link", "summary"):
            assert item.find(f"{ATOM}{name}") is not None, name
    ids = [item.find(f"{ATOM}id").text for item in items]
    assert len(ids) == len(set(ids))
    assert root.find(f"{ATOM}updated").text == "2026-01-01T00:00:00Z"


def test_atom_drops_duplicate_entry_ids():
    targets, histories = sample()
    entries = status_change_entries(targets, histories, lang="en")
    root = parse_atom(feed_of(entries + entries))
    assert len(root.findall(f"{ATOM}entry")) == len(entries)


def test_atom_is_deterministic():
    targets, histories = sample()
    entries = status_change_entries(targets, histories, lang="en")
    assert feed_of(entries) == feed_of(list(reversed(entries)))


def test_atom_links_are_absolute_with_a_site_url():
    targets, histories = sample()
    text = feed_of(
        newly_missed_entries(targets, histories, lang="en"), site_url="https://kpi.example.gov/"
    )
    root = parse_atom(text)
    assert entry_links(root)[0] == "https://kpi.example.gov/delays/PA2023-004.html"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "self": "https://kpi.example.gov/feeds/status.xml",
        "alternate": "https://kpi.example.gov/",
    }


@pytest.mark.parametrize(
    ("self_path", "prefix", "root_href"),
    [
        ("feeds/status.xml", "../", "../"),
        ("feeds/bureaus/housing.xml", "../../", "../../"),
        ("status.xml", "", "./"),
    ],
)
def test_atom_links_are_relative_to_the_feed_without_a_site_url(self_path, prefix, root_href):
    targets, histories = sample()
    root = parse_atom(
        feed_of(status_change_entries(targets, histories, lang="en"), self_path=self_path)
    )
    assert entry_links(root)[0] == prefix + "targets/PA2023-004.html"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["alternate"] == root_href


def test_atom_keeps_only_the_newest_entries_up_to_the_limit():
    targets, histories = sample()
    entries = status_change_entries(targets, histories, lang="en")
    root = parse_atom(feed_of(entries, limit=2))
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]
    assert ids == [e.id for e in entries[:2]]


def test_empty_atom_feed_updated_falls_back():
    assert parse_atom(feed_of([])).find(f"{ATOM}updated").text == "1970-01-01T00:00:00Z"
    given_time = "2025-10-01T00:00:00Z"
    root = parse_atom(feed_of([], updated=given_time))
    assert root.find(f"{ATOM}updated").text == given_time
    assert root.findall(f"{ATOM}entry") == []


def test_hostile_register_text_yields_well_formed_atom():
    target = make(title=HOSTILE, bureau="B & <b>\x07</b>")
    histories = {target.id: history("2025-Q2", "at_risk", "missed")}
    entries = status_change_entries([target], histories, lang="en") + newly_missed_entries(
        [target], histories, lang="en"
    )
    text = feed_of(entries, title='Feed "<&>"\x01', site_url='https://x.example/?a=1&b="2"')
    root = parse_atom(text)
    summary = root.find(f"{ATOM}entry/{ATOM}summary").text
    assert '<script>alert("x")</script>' in summary
    assert "& 'co'" in summary
    assert "\x07" not in text and "\x00" not in text and "\x1b" not in text
    assert root.find(f"{ATOM}title").text == 'Feed "<&>"'


def test_hostile_entry_fields_are_cleaned_at_output():
    entry = FeedEntry(
        id="tag:kpi-portal,2024:x\x0c",
        title="a\x07b\ud800",
        link="targets/x.html",
        updated="2025-10-01T00:00:00Z",
        summary="line one\r\nline two\x00",
    )
    root = parse_atom(feed_of([entry]))
    item = root.find(f"{ATOM}entry")
    assert item.find(f"{ATOM}title").text == "ab"
    assert item.find(f"{ATOM}summary").text == "line one\nline two"


@given(st.text())
def test_any_text_gives_well_formed_atom(text):
    entry = FeedEntry(id="tag:kpi-portal,2024:x", title=text, link=text, updated=text, summary=text)
    parse_atom(feed_of([entry], title=text))


# iCalendar ------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """The content lines of iCalendar text, unfolded."""
    assert text.endswith("\r\n")
    lines: list[str] = []
    for line in text[:-2].split("\r\n"):
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def events(text: str) -> list[dict[str, str]]:
    """Each VEVENT's properties (name with parameters → value)."""
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def calendar_sample() -> tuple[list[Target], dict[str, str]]:
    targets = [
        make("OPEN-2", due="2026-Q2"),
        make("OPEN-1", due="2026-Q2"),
        make("RISK-1", due="2025-Q4"),
        make("DONE-1", due="2026-Q1"),
        make("LATE-1", due="2026-Q1"),
        make("GONE-1", due="2026-Q1"),
        make("PAST-1", due="2025-Q3"),
        make("OLD-1", due="2025-Q1"),
    ]
    statuses = {
        "OPEN-2": "on_track",
        "OPEN-1": "on_track",
        "RISK-1": "at_risk",
        "DONE-1": "achieved",
        "LATE-1": "achieved_late",
        "GONE-1": "withdrawn",
        "PAST-1": "missed",
        "OLD-1": "achieved",
    }
    return targets, statuses


def test_calendar_has_only_open_targets_due_after_r_sorted_by_date_then_id():
    targets, statuses = calendar_sample()
    found = events(upcoming_due_calendar(targets, statuses, Q("2025-Q3"), lang="en"))
    assert [e["UID"] for e in found] == [
        "RISK-1-due@kpi-portal",
        "OPEN-1-due@kpi-portal",
        "OPEN-2-due@kpi-portal",
    ]
    assert [e["DTSTART;VALUE=DATE"] for e in found] == ["20251231", "20260630", "20260630"]
    assert found[1]["DTEND;VALUE=DATE"] == "20260701"
    assert {e["DTSTAMP"] for e in found} == {"20251001T000000Z"}
    assert found[0]["SUMMARY"] == "Due: Open 30 community sites"
    assert "Housing Bureau" in found[0]["DESCRIPTION"]
    assert "30 sites by 2025-Q4" in found[0]["DESCRIPTION"]
    assert "At risk" in found[0]["DESCRIPTION"]
    assert "URL" not in found[0]


@pytest.mark.parametrize(
    ("quarter", "day"),
    [("2026-Q1", "20260331"), ("2026-Q2", "20260630"), ("2026-Q3", "20260930")]
    + [("2026-Q4", "20261231"), ("2028-Q1", "20280331")],
)
def test_last_day_of_the_quarter(quarter, day):
    assert f"{last_day(Q(quarter)):%Y%m%d}" == day


def test_calendar_structure_and_line_endings():
    targets, statuses = calendar_sample()
    text = upcoming_due_calendar(
        targets, statuses, Q("2025-Q3"), site_url="https://x.gov/", lang="en"
    )
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "PRODID:-//KPI portal//Targets due//EN" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 3
    assert lines.count("BEGIN:VCALENDAR") == lines.count("END:VCALENDAR") == 1
    assert events(text)[0]["URL"] == "https://x.gov/targets/RISK-1.html"


def test_calendar_is_deterministic():
    targets, statuses = calendar_sample()
    first = upcoming_due_calendar(targets, statuses, Q("2025-Q3"), lang="en")
    assert first == upcoming_due_calendar(
        list(reversed(targets)), statuses, Q("2025-Q3"), lang="en"
    )


def test_calendar_folds_long_chinese_lines_at_75_octets():
    long_title = "香港社區設施擴建計劃：" * 12
    target = replace(make("ZH-1", due="2026-Q2"), title={"zh-Hant": long_title, "en": "x"})
    text = upcoming_due_calendar([target], {"ZH-1": "on_track"}, Q("2025-Q3"), lang="zh-Hant")
    physical = text[:-2].split("\r\n")
    assert any(line.startswith(" ") for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    text.encode("utf-8").decode("utf-8")  # no character split across a fold
    assert events(text)[0]["SUMMARY"] == "Due: " + long_title


def test_calendar_escapes_text():
    target = make("ESC-1", title="Roads, bridges; and\\tunnels\nphase 2", due="2026-Q2")
    text = upcoming_due_calendar([target], {"ESC-1": "on_track"}, Q("2025-Q3"), lang="en")
    summary = events(text)[0]["SUMMARY"]
    assert summary == "Due: Roads\\, bridges\\; and\\\\tunnels phase 2"


def test_calendar_escapes_hostile_text():
    target = make("BAD-1", title=HOSTILE, bureau="Works,\nBureau;\x07", due="2026-Q2")
    text = upcoming_due_calendar([target], {"BAD-1": "on_track"}, Q("2025-Q3"), lang="en")
    for char in "\x00\x07\x1b":
        assert char not in text
    description = events(text)[0]["DESCRIPTION"]
    assert description.startswith("Bureau: Works\\, Bureau\\;\\nPromise:")


def test_ical_escape():
    assert ical_escape("a,b;c\\d\ne\r\nf\x07\tg") == "a\\,b\\;c\\\\d\\ne\\nf\tg"


def test_empty_calendar_is_still_balanced():
    lines = unfold(upcoming_due_calendar([], {}, Q("2025-Q3"), lang="en"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"


@given(st.text())
def test_folding_keeps_every_line_within_75_octets_and_unfolds_back(text):
    line = "DESCRIPTION:" + ical_escape(text)
    physical = fold_line(line).split("\r\n ")
    assert all(
        len(part.encode("utf-8")) <= (75 if i == 0 else 74) for i, part in enumerate(physical)
    )
    assert "".join(physical) == line
    assert "\r" not in line and "\n" not in line


def test_history_is_imported_for_typing_only():
    assert "StatusPoint" not in vars(feeds)
