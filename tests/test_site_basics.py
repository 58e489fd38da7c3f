"""Site basics: a 404 page in each language, sitemap.xml with language alternates,
robots.txt, a local favicon, canonical and og:url with SITEURL, a description per page."""

from __future__ import annotations

import collections
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from generator.register import i18n
from generator.site.describe import counts_text
from generator.site.sitebasics import robots, sitemap
from tests.conftest import FIXTURE_REGISTER, build_site

PUBLIC = "https://targets.example.gov"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def public_site(tmp_path_factory) -> Path:
    """The fixture register built for its public address."""
    output = tmp_path_factory.mktemp("public") / "output"
    build_site(FIXTURE_REGISTER, output, SITEURL=PUBLIC + "/")
    return output


def soup(output: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")


def pages_of(output: Path) -> list[str]:
    """Every HTML page of the site, as site-relative paths."""
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


# --- sitemap.xml and robots.txt ---------------------------------------------------------------


def test_sitemap_lists_every_page_once_with_its_language_versions(public_site):
    tree = ET.parse(public_site / "sitemap.xml")
    urls = tree.getroot().findall("s:url", NS)
    locs = [u.findtext("s:loc", namespaces=NS) for u in urls]
    assert len(locs) == len(set(locs)), "a page is listed twice"
    expected = {
        f"{PUBLIC}/{page}"
        for page in pages_of(public_site)
        if page.rsplit("/", 1)[-1] != "404.html"
    }
    assert set(locs) == expected
    for url in urls:
        links = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", NS)
            if link.get("rel") == "alternate"
        }
        loc = url.findtext("s:loc", namespaces=NS)
        page = loc.removeprefix(f"{PUBLIC}/").removeprefix("zh-hant/")
        assert links == {
            "en": f"{PUBLIC}/{page}",
            "zh-Hant": f"{PUBLIC}/zh-hant/{page}",
            "x-default": f"{PUBLIC}/{page}",
        }, loc
        assert url.findtext("s:lastmod", namespaces=NS)  # the published date


def test_robots_allows_crawling_and_names_the_sitemap(public_site):
    text = (public_site / "robots.txt").read_text(encoding="utf-8")
    assert text.splitlines() == ["User-agent: *", "Allow: /", f"Sitemap: {PUBLIC}/sitemap.xml"]


def test_without_a_public_address_there_is_no_sitemap(fixture_site):
    # The sitemap protocol takes full addresses only; a relative one would be ignored.
    assert not (fixture_site / "sitemap.xml").exists()
    assert (fixture_site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"


def test_sitemap_addresses_are_escaped():
    text = sitemap(PUBLIC, ["targets/a&b.html", "404.html"], ("en", "zh-Hant"), None)
    root = ET.fromstring(text)
    locs = [u.findtext("s:loc", namespaces=NS) for u in root.findall("s:url", NS)]
    assert locs == [f"{PUBLIC}/targets/a%26b.html", f"{PUBLIC}/zh-hant/targets/a%26b.html"]
    assert "lastmod" not in text  # no published date known: none claimed
    assert robots("") == "User-agent: *\nAllow: /\n"


# --- The 404 page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "heading", "home"),
    [
        ("404.html", "Page not found", "/index.html"),
        ("zh-hant/404.html", "找不到網頁", "/zh-hant/index.html"),
    ],
)
def test_404_page_in_each_language_links_home_and_search(
    fixture_site, public_site, page, heading, home
):
    html = soup(fixture_site, page)
    assert html.h1.get_text() == heading
    # Shown at any depth for a missing address: links from the server root, not relative.
    links = [a["href"] for a in html.select("main a")]
    assert home in links
    form = html.select_one("main form[role=search]")
    assert form["action"].endswith("search.html") and form["action"].startswith("/")
    assert html.select_one('link[rel="stylesheet"]')["href"] == "/theme/css/portal.css"
    assert html.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # With a public address, the links are under it.
    public = soup(public_site, page)
    assert f"{PUBLIC}{home}" in [a["href"] for a in public.select("main a")]
    assert public.find("link", rel="canonical") is None


# --- Head: favicon, canonical, og:url, descriptions ------------------------------------------


def test_every_page_links_the_local_svg_favicon(fixture_site):
    for page in ("index.html", "targets/index.html", "zh-hant/index.html"):
        icon = soup(fixture_site, page).find("link", rel="icon")
        assert icon["type"] == "image/svg+xml"
        assert (fixture_site / page).parent.joinpath(icon["href"]).resolve().is_file()
    svg = (fixture_site / "theme/favicon.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_canonical_and_og_url_only_with_a_public_address(fixture_site, public_site):
    for page in ("index.html", "zh-hant/targets/index.html"):
        assert soup(fixture_site, page).find("link", rel="canonical") is None
        assert soup(fixture_site, page).find("meta", property="og:url") is None
        public = soup(public_site, page)
        assert public.find("link", rel="canonical")["href"] == f"{PUBLIC}/{page}"
        assert public.find("meta", property="og:url")["content"] == f"{PUBLIC}/{page}"


def descriptions(output: Path) -> dict[str, list[str]]:
    """Pages by their meta description."""
    found = collections.defaultdict(list)
    for page in pages_of(output):
        meta = soup(output, page).find("meta", attrs={"name": "description"})
        found[meta["content"]].append(page)
    return found


def same_content(pages: list[str]) -> bool:
    """Pages that show the same list in another order (``x.html``, ``x-by-status.html``)."""
    return len({p.replace("-by-status.html", ".html") for p in pages}) == 1


def test_no_two_pages_of_different_content_share_a_description(fixture_site):
    shared = {text: pages for text, pages in descriptions(fixture_site).items() if len(pages) > 1}
    assert {text: pages for text, pages in shared.items() if not same_content(pages)} == {}


def test_the_sample_site_has_a_description_per_page(sample_site):
    found = descriptions(sample_site)
    shared = sum(len(pages) for pages in found.values() if len(pages) > 1)
    assert shared == 0, {t[:60]: p for t, p in found.items() if len(p) > 1}


def test_a_list_page_description_counts_its_targets(fixture_site):
    text = soup(fixture_site, "status/missed.html").find("meta", attrs={"name": "description"})
    assert text["content"].startswith("Missed: ") and "as of" in text["content"]


def test_counts_are_worded_in_each_language():
    one = [SimpleNamespace(status="missed")]
    three = one + [SimpleNamespace(status="on_track"), SimpleNamespace(status="missed")]
    with i18n.use("en"):
        assert counts_text(one) == "1 target (Missed: 1)"
        assert counts_text(three) == "3 targets (On track: 1; Missed: 2)"
        assert counts_text([]) == "0 targets"
    with i18n.use("zh-Hant"):
        assert counts_text(three) == "3項目標（進度正常：1；未達成：2）"
