"""Browsing without JavaScript: list pages in both sort orders, the overdue list by bureau."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from generator.register.quarters import Quarter
from generator.site.pages import STATUS_SORT


def page(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def listed_ids(html) -> list[str]:
    return [
        row.select_one("span.muted").get_text() for row in html.select("table.targets tbody tr")
    ]


def published(site) -> dict[str, dict]:
    data = json.loads((site / "data" / "targets.json").read_text())
    return {t["id"]: t for t in data["targets"]}


def test_all_targets_soonest_due_first_and_by_status(fixture_site):
    targets = published(fixture_site)
    by_due = listed_ids(page(fixture_site, "targets/index.html"))
    assert sorted(by_due) == sorted(targets)
    assert by_due == sorted(by_due, key=lambda i: (Quarter.parse(targets[i]["due"]), i))
    by_status = listed_ids(page(fixture_site, "targets/index-by-status.html"))
    ranks = [STATUS_SORT.index(targets[i]["status"]) for i in by_status]
    assert ranks == sorted(ranks) and sorted(by_status) == sorted(targets)


def test_each_order_links_to_the_other_with_plain_links(fixture_site):
    for path, other in (
        ("targets/index.html", "../targets/index-by-status.html"),
        ("bureaus/hb-by-status.html", "../bureaus/hb.html"),
    ):
        nav = page(fixture_site, path).select_one("nav.sort-links")
        assert nav.select_one("[aria-current=page]") is not None
        assert [a["href"] for a in nav.select("a")] == [other]


def test_group_pages_come_in_both_orders_with_the_same_targets(fixture_site):
    for path in sorted((fixture_site / "bureaus").glob("*-by-status.html")):
        due_order = path.with_name(path.name.replace("-by-status", ""))
        assert sorted(listed_ids(page(fixture_site, path.relative_to(fixture_site)))) == sorted(
            listed_ids(page(fixture_site, due_order.relative_to(fixture_site)))
        )


def test_overdue_list_filtered_by_bureau(fixture_site):
    targets = published(fixture_site)
    missed = {i for i, t in targets.items() if t["status"] == "missed"}
    everything = page(fixture_site, "overdue.html")
    links = {a.get_text(strip=True): a["href"] for a in everything.select("nav.filter-links a")}
    assert links, "the overdue list offers a filter per bureau"
    seen = set()
    for bureau, href in links.items():
        html = page(fixture_site, href)
        ids = {a["href"].rsplit("/", 1)[-1].removesuffix(".html")
               for a in html.select("table.overdue td[data-label=Target] a")}  # fmt: skip
        assert ids and all(targets[i]["bureau"] == bureau for i in ids)
        assert html.select_one("nav.filter-links [aria-current=page]").get_text() == bureau
        seen |= ids
    assert seen == missed


def test_link_preview_image_is_a_png_of_the_chart(fixture_site):
    html = page(fixture_site, "targets/FX-ACH.html")
    image = html.find("meta", attrs={"property": "og:image"})["content"]
    png = (fixture_site / "targets" / image).resolve()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_bureaus_missed_targets_come_longest_overdue_first():
    # The overdue page per bureau and the briefing pack both say "longest overdue first".
    from generator.project.settings import PortalSettings
    from generator.register.loader import load_register
    from generator.site.pages import bureau_justifications
    from generator.site.portal import build_portal
    from tests.conftest import SAMPLE_REGISTER

    portal = build_portal(
        load_register(SAMPLE_REGISTER, reporting_quarter=None, default_lang="en"), PortalSettings()
    )
    for group in portal.groups["bureaus"]:
        items = bureau_justifications(portal, group)
        assert {j.target.id for j in items} == {a.target.id for a in group.missed}
        overdue = [j.overdue_quarters for j in items]
        assert overdue == sorted(overdue, reverse=True), group.name
